package io.flowscope.platform.ebpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The socket-trace object the tests load: built from bpf/ by bpf/build.sh, else the committed prebuilt one. */
final class SocketTraceObjects {

    static final Path BUILT = Path.of("../bpf/build/socket_trace.bpf.o");
    static final Path PREBUILT = Path.of("../bpf/prebuilt/socket_trace.bpf.o");

    private SocketTraceObjects() {
    }

    static Path path() {
        return Files.exists(BUILT) ? BUILT : PREBUILT;
    }

    static byte[] bytes() {
        try {
            return Files.readAllBytes(path());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
