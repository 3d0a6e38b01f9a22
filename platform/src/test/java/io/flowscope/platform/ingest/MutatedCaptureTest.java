package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded nginx capture with bytes flipped inside its packets (headers and payloads, not the
 * pcap record framing): every import finishes, reads every packet, and no input reaches a bug of
 * ours ({@code internal_error}); the HTTP/1 plugin is never disabled.
 */
class MutatedCaptureTest {

    @TempDir
    Path dir;

    @Test
    void flippedBytesNeverBreakTheImport() throws Exception {
        byte[] original = Files.readAllBytes(GoldenCaptureTest.CAPTURE);
        List<int[]> frames = frames(original);
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            CaptureImporter importer = new CaptureImporter(plugins, store);
            for (int seed = 1; seed <= 40; seed++) {
                Random random = new Random(seed);
                byte[] mutated = original.clone();
                int flips = 1 + random.nextInt(seed * 4);
                for (int i = 0; i < flips; i++) {
                    int[] f = frames.get(random.nextInt(frames.size()));
                    // bias towards headers: half of the flips land in the first 60 bytes of a frame
                    int span = random.nextBoolean() ? Math.min(60, f[1]) : f[1];
                    mutated[f[0] + random.nextInt(span)] ^= (byte) (1 + random.nextInt(255));
                }
                Path file = Files.write(dir.resolve("mutated-" + seed + ".pcap"), mutated);
                FileSummary s = importer.importFile(file, file.toString(), null).summary();
                assertThat(s.fault()).as("seed %d", seed).isNull();
                assertThat(s.packets()).as("seed %d", seed).isEqualTo(frames.size());
                assertThat(s.errors()).as("seed %d", seed).doesNotContainKey("internal_error");
            }
            assertThat(plugins.statuses()).allSatisfy(p -> assertThat(p.state()).isEqualTo("STARTED"));
        }
    }

    /** Offset and length of each frame's bytes in a little- or big-endian pcap. */
    static List<int[]> frames(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap);
        b.order(b.getInt(0) == 0xa1b2c3d4 || b.getInt(0) == 0xa1b23c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        List<int[]> out = new ArrayList<>();
        int off = 24;
        while (off + 16 <= pcap.length) {
            int len = b.getInt(off + 8);
            out.add(new int[] {off + 16, len});
            off += 16 + len;
        }
        return out;
    }
}
