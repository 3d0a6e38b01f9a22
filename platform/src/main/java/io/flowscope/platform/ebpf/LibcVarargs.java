package io.flowscope.platform.ebpf;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/** vsnprintf, to turn libbpf's log lines (a format and a va_list) into text. */
final class LibcVarargs {

    static {
        Native.register("c");
    }

    private LibcVarargs() {
    }

    static native int vsnprintf(byte[] buffer, NativeLong size, String format, Pointer args);
}
