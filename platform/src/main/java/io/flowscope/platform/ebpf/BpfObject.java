package io.flowscope.platform.ebpf;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One BPF object through libbpf: opened from the bytes of its ELF file (a probe plugin's resource), its
 * read-only configuration set, loaded into the kernel, its programs attached one by one (each that cannot
 * attach is reported with the kernel's reason, the others stay attached), its maps reachable by name, and
 * everything released by {@link #close()}: links destroyed, programs and maps closed. Used by one thread.
 */
public final class BpfObject implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BpfObject.class);
    /** What libbpf said while the current thread loaded, so a failure carries the verifier's words. */
    private static final ThreadLocal<StringBuilder> LIBBPF_LOG = new ThreadLocal<>();
    /** Kept in a static field: the callback must outlive every call libbpf makes to it. */
    private static final LibBpf.PrintFn PRINT = (level, format, args) -> {
        byte[] b = new byte[4096];
        int n = Math.min(LibcVarargs.vsnprintf(b, new NativeLong(b.length), format, args), b.length - 1);
        String line = new String(b, 0, Math.max(n, 0), java.nio.charset.StandardCharsets.UTF_8).stripTrailing();
        StringBuilder capture = LIBBPF_LOG.get();
        if (capture != null && capture.length() < 1 << 20) {
            capture.append(line).append('\n');
        }
        if (level == 0) { // LIBBPF_WARN
            log.debug("libbpf: {}", line);
        }
        return 0;
    };

    static {
        LibBpf.libbpf_set_print(PRINT);
    }

    /** One program and its link, or why it is not attached. */
    public record Attachment(String program, String section, boolean attached, String problem) {
    }

    private final String name;
    private final Memory elf;
    private Pointer object;
    private final Map<String, Pointer> links = new LinkedHashMap<>();
    private final List<Attachment> attachments = new ArrayList<>();

    private BpfObject(String name, Memory elf, Pointer object) {
        this.name = name;
        this.elf = elf;
        this.object = object;
    }

    /**
     * Opens an object from its ELF bytes (nothing reaches the kernel yet).
     *
     * @throws BpfException when libbpf cannot read it
     */
    public static BpfObject open(String name, byte[] elfBytes) {
        Memory elf = new Memory(elfBytes.length);
        elf.write(0, elfBytes, 0, elfBytes.length);
        StringBuilder said = new StringBuilder();
        LIBBPF_LOG.set(said);
        try {
            Pointer o = LibBpf.bpf_object__open_mem(elf, new NativeLong(elfBytes.length), null);
            if (o == null) {
                throw new BpfException("cannot open BPF object " + name + ": " + said.toString().strip());
            }
            return new BpfObject(name, elf, o);
        } finally {
            LIBBPF_LOG.remove();
        }
    }

    /** Replaces the start of the object's .rodata (its {@code const volatile} configuration) before load. */
    public void setReadOnly(byte[] prefix) {
        Pointer map = map(".rodata");
        Memory size = new Memory(8);
        Pointer current = LibBpf.bpf_map__initial_value(map, size);
        long n = size.getLong(0);
        if (current == null || n < prefix.length) {
            throw new BpfException(name + ": .rodata holds " + n + " bytes, the configuration needs " + prefix.length);
        }
        byte[] value = current.getByteArray(0, (int) n);
        System.arraycopy(prefix, 0, value, 0, prefix.length);
        check(LibBpf.bpf_map__set_initial_value(map, value, new NativeLong(value.length)), "set .rodata");
    }

    /** Whether a program is loaded at all (one whose hook this kernel lacks is left out before load). */
    public void setAutoload(String program, boolean autoload) {
        for (Pointer p = LibBpf.bpf_object__next_program(object, null); p != null;
             p = LibBpf.bpf_object__next_program(object, p)) {
            if (LibBpf.bpf_program__name(p).equals(program)) {
                check(LibBpf.bpf_program__set_autoload(p, autoload), "autoload " + program);
                return;
            }
        }
        throw new BpfException(name + " has no program " + program);
    }

    /** Leaves a map out of the load (e.g. the ring buffer on a kernel without one). */
    public void setAutocreate(String map, boolean create) {
        check(LibBpf.bpf_map__set_autocreate(map(map), create), "autocreate " + map);
    }

    /**
     * Loads every program and map into the kernel.
     *
     * @throws BpfException with libbpf's and the verifier's words when the kernel refuses
     */
    public void load() {
        StringBuilder said = new StringBuilder();
        LIBBPF_LOG.set(said);
        try {
            int r = LibBpf.bpf_object__load(object);
            if (r != 0) {
                throw new BpfException("cannot load " + name + ": " + LibBpf.strerror(r) + "\n" + tail(said, 40));
            }
        } finally {
            LIBBPF_LOG.remove();
        }
    }

    /**
     * Attaches every loaded program by its section (tracepoint, raw tracepoint, uprobe …). One that cannot
     * attach is reported with libbpf's reason; the rest stay attached.
     */
    public List<Attachment> attachAll() {
        for (Pointer p = LibBpf.bpf_object__next_program(object, null); p != null;
             p = LibBpf.bpf_object__next_program(object, p)) {
            String program = LibBpf.bpf_program__name(p);
            String section = LibBpf.bpf_program__section_name(p);
            if (links.containsKey(program)) {
                continue;
            }
            StringBuilder said = new StringBuilder();
            LIBBPF_LOG.set(said);
            try {
                Pointer link = LibBpf.bpf_program__attach(p);
                if (link == null) {
                    int errno = com.sun.jna.Native.getLastError();
                    String why = said.toString().strip();
                    attachments.add(new Attachment(program, section, false,
                            (why.isEmpty() ? "" : lastLine(why) + "; ") + LibBpf.strerror(-errno)));
                } else {
                    links.put(program, link);
                    attachments.add(new Attachment(program, section, true, null));
                }
            } finally {
                LIBBPF_LOG.remove();
            }
        }
        return List.copyOf(attachments);
    }

    /** The file descriptor of a map. */
    public int mapFd(String map) {
        int fd = LibBpf.bpf_map__fd(map(map));
        if (fd < 0) {
            throw new BpfException(name + ": map " + map + " has no fd (" + LibBpf.strerror(fd) + ")");
        }
        return fd;
    }

    private Pointer map(String map) {
        Pointer m = LibBpf.bpf_object__find_map_by_name(object, map);
        if (m == null) {
            throw new BpfException(name + " has no map " + map);
        }
        return m;
    }

    public String name() {
        return name;
    }

    /** Detaches every program and closes the object (programs and maps go with their last reference). */
    @Override
    public void close() {
        if (object == null) {
            return;
        }
        for (Pointer link : links.values()) {
            LibBpf.bpf_link__destroy(link);
        }
        links.clear();
        LibBpf.bpf_object__close(object);
        object = null;
        elf.close();
    }

    private void check(int r, String what) {
        if (r != 0) {
            throw new BpfException(name + ": " + what + ": " + LibBpf.strerror(r));
        }
    }

    private static String lastLine(String s) {
        int i = s.lastIndexOf('\n');
        return i < 0 ? s : s.substring(i + 1);
    }

    private static String tail(StringBuilder s, int lines) {
        String[] all = s.toString().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }
}
