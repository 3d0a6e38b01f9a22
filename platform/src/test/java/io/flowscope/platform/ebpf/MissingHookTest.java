package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.PrivilegedCondition;
import io.flowscope.platform.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hook this kernel does not have (a tracepoint that does not exist): the loader attaches the programs it can,
 * reports the other with the kernel's reason, and nothing fails. Compiled here from a test resource.
 */
@Privileged(programs = "clang")
class MissingHookTest {

    @TempDir
    Path dir;

    @Test
    void aMissingTracepointIsReportedAndTheOtherProgramsAttach() throws Exception {
        assertThat(Tracefs.ensureMounted()).isNull();
        Path object = dir.resolve("missing_hook.bpf.o");
        Processes.run(dir, List.of(PrivilegedCondition.which("clang"), "-O2", "-target", "bpf", "-c",
                Path.of("src/test/resources/ebpf/missing_hook.bpf.c").toAbsolutePath().toString(), "-o", object.toString()));
        try (BpfObject o = BpfObject.open("missing_hook", Files.readAllBytes(object))) {
            o.load();
            List<BpfObject.Attachment> attached = o.attachAll();
            assertThat(attached).extracting(BpfObject.Attachment::program, BpfObject.Attachment::attached)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("present", true),
                            org.assertj.core.groups.Tuple.tuple("missing", false));
            BpfObject.Attachment missing = attached.stream().filter(a -> !a.attached()).findFirst().orElseThrow();
            assertThat(missing.section()).isEqualTo("tracepoint/syscalls/sys_enter_flowscope_does_not_exist");
            assertThat(missing.problem()).as("the kernel's reason, in words").containsIgnoringCase("no such file or directory");
        }
    }
}
