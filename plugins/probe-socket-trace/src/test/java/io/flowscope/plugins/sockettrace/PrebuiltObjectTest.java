package io.flowscope.plugins.sockettrace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed object (bpf/prebuilt, what the jar carries) is what bpf/ builds to: clang's output is
 * deterministic (and bpf/build.sh keeps the checkout's path out of it), so a source changed without rebuilding
 * the prebuilt object fails here, wherever clang is and the kernel is the one the prebuilt object was built on.
 */
class PrebuiltObjectTest {

    static final Path BUILT = Path.of("../../bpf/build/socket_trace.bpf.o");
    static final Path PREBUILT = Path.of("../../bpf/prebuilt/socket_trace.bpf.o");
    static final Path BUILT_KERNEL = Path.of("../../bpf/build/vmlinux.h.sha256");
    static final Path PREBUILT_KERNEL = Path.of("../../bpf/prebuilt/vmlinux.h.sha256");

    @Test
    void thePrebuiltObjectIsTheBuildOfTheSources() throws Exception {
        assertTrue(Files.exists(PREBUILT), "bpf/prebuilt/socket_trace.bpf.o is committed");
        if (!Files.exists(BUILT)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("bpf/build.sh did not build (clang missing?); CI installs it (scripts/install-deps.sh test)");
            }
            Assumptions.abort("no clang: bpf/ was not built, the prebuilt object cannot be compared");
        }
        // the object carries the BTF of the kernel types it uses: only a build against the same kernel can be equal
        Assumptions.assumeTrue(Files.readString(BUILT_KERNEL).equals(Files.readString(PREBUILT_KERNEL)),
                "this kernel is not the one bpf/prebuilt was built against (bpf/prebuilt/vmlinux.h.sha256)");
        assertArrayEquals(Files.readAllBytes(BUILT), Files.readAllBytes(PREBUILT),
                "bpf/prebuilt/socket_trace.bpf.o is stale: run bpf/build.sh && cp bpf/build/*.bpf.o bpf/prebuilt/");
        assertTrue(getClass().getResource("socket_trace.bpf.o") != null, "the jar carries the object");
    }
}
