package io.flowscope.platform.ebpf;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The libbpf 1.1 calls the loader needs (Debian 12's libbpf1), bound directly. libbpf 1.x returns NULL or
 * a negative errno and sets errno; callers check the return value first (errno can be stale after a success).
 * libbpf objects are not thread-safe: one object is used by one thread at a time.
 */
final class LibBpf {

    static {
        Native.register("bpf");
    }

    private LibBpf() {
    }

    /** libbpf's log callback: {@code int (*)(enum libbpf_print_level, const char *fmt, va_list ap)}. */
    interface PrintFn extends Callback {
        int print(int level, String format, Pointer args);
    }

    static native Pointer libbpf_set_print(PrintFn fn);

    static native Pointer bpf_object__open_mem(Pointer buffer, NativeLong size, Pointer opts);

    static native int bpf_object__load(Pointer object);

    static native void bpf_object__close(Pointer object);

    static native Pointer bpf_object__next_program(Pointer object, Pointer previous);

    static native Pointer bpf_object__find_map_by_name(Pointer object, String name);

    static native String bpf_program__name(Pointer program);

    static native String bpf_program__section_name(Pointer program);

    static native int bpf_program__set_autoload(Pointer program, boolean autoload);

    static native Pointer bpf_program__attach(Pointer program);

    static native int bpf_link__destroy(Pointer link);

    static native int bpf_map__fd(Pointer map);

    static native int bpf_map__set_initial_value(Pointer map, byte[] data, NativeLong size);

    static native Pointer bpf_map__initial_value(Pointer map, Pointer size);

    static native int bpf_map__set_autocreate(Pointer map, boolean autocreate);

    static native int bpf_map__set_max_entries(Pointer map, int maxEntries);

    static native int bpf_map_update_elem(int fd, Pointer key, Pointer value, long flags);

    static native int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

    static native int bpf_map_delete_elem(int fd, Pointer key);

    static native int libbpf_num_possible_cpus();

    /** 1 when the kernel has the map type, 0 when not, negative on error. */
    static native int libbpf_probe_bpf_map_type(int mapType, Pointer opts);

    /** 1 when programs of the type may call the helper, 0 when not, negative on error. */
    static native int libbpf_probe_bpf_helper(int programType, int helper, Pointer opts);

    static final int BPF_MAP_TYPE_TASK_STORAGE = 29;
    static final int BPF_PROG_TYPE_TRACEPOINT = 5;
    static final int BPF_FUNC_TASK_STORAGE_GET = 156;

    static native int libbpf_strerror(int error, byte[] buffer, NativeLong size);

    /** libbpf's words for a negative error code. */
    static String strerror(int error) {
        byte[] b = new byte[256];
        libbpf_strerror(error, b, new NativeLong(b.length));
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8) + " (" + error + ")";
    }
}
