package io.flowscope.platform.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flowscope.platform.store.Store;
import io.flowscope.platform.store.StoreWriteException;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Processes;
import io.flowscope.platform.testing.TcpConversation;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that cannot be written (its disk is full: a 4 MiB tmpfs) ends the pipeline with the store's
 * error, said once, and the pipeline's close in a try-with-resources does not turn it into another error;
 * the writer thread keeps taking batches after its failure, so a source blocked on a full queue wakes up.
 */
@Privileged(programs = {"mount", "umount"})
class StoreFailureTest {

    @TempDir
    Path dir;

    @Test
    void aFullDiskFailsThePipelineWithTheStoresErrorInsteadOfHangingIt() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        Processes.run(dir, List.of("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString()));
        try (Store store = Store.embedded(small)) {
            Pipeline p = new Pipeline(PipelineSettings.forFiles(), List.of(), Set.of(), store.newWriter(), store::nextId,
                    "full-disk", null);
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> assertThatThrownBy(() -> {
                try (p) {
                    // far more flows than 4 MiB hold: the writer fails while the source keeps the queue full
                    for (int i = 0; i < 400_000; i++) {
                        List<byte[]> frames = new TcpConversation("10.30." + (i >> 16 & 255) + "." + (i >> 8 & 255),
                                1024 + (i & 0xff) * 200 + (i >> 24), "10.31.0.1", 80).close();
                        for (byte[] f : frames) {
                            p.frames().frame(ByteBuffer.wrap(f), 0, f.length, f.length, 1_700_000_000_000_000L + i, 1, 0);
                        }
                    }
                }
            }).isInstanceOf(StoreWriteException.class).hasMessageContaining("No space left on device")
                    .satisfies(e -> assertThat(e.getMessage()).as("said once").containsOnlyOnce("No space left")));
        } catch (java.sql.SQLException ignored) {
            // closing a store whose disk is full may fail too; what matters is that the pipeline did not hang
        } finally {
            Processes.run(dir, List.of("umount", "-l", small.toString()));
        }
        assertThat(small).isDirectory();
    }
}
