package io.flowscope.plugins.sockettrace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed object (bpf/prebuilt, what the jar carries) is what bpf/ builds to: clang's output is
 * deterministic, so a source changed without rebuilding the prebuilt object fails here, wherever clang is.
 */
class PrebuiltObjectTest {

    static final Path BUILT = Path.of("../../bpf/build/socket_trace.bpf.o");
    static final Path PREBUILT = Path.of("../../bpf/prebuilt/socket_trace.bpf.o");

    @Test
    void thePrebuiltObjectIsTheBuildOfTheSources() throws Exception {
        assertTrue(Files.exists(PREBUILT), "bpf/prebuilt/socket_trace.bpf.o is committed");
        if (!Files.exists(BUILT)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("bpf/build.sh did not build (clang missing?); CI installs it (scripts/install-deps.sh test)");
            }
            Assumptions.abort("no clang: bpf/ was not built, the prebuilt object cannot be compared");
        }
        assertArrayEquals(Files.readAllBytes(BUILT), Files.readAllBytes(PREBUILT),
                "bpf/prebuilt/socket_trace.bpf.o is stale: run bpf/build.sh && cp bpf/build/*.bpf.o bpf/prebuilt/");
        assertTrue(getClass().getResource("socket_trace.bpf.o") != null, "the jar carries the object");
    }
}
