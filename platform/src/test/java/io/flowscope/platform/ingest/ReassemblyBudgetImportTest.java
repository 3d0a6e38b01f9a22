package io.flowscope.platform.ingest;

import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.SYN;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.tcp4;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200,000 connections that each leave an out-of-order segment whose hole never fills: the import stays
 * within its reassembly budget, counts the holes it gave up, and finishes with every flow stored.
 */
class ReassemblyBudgetImportTest {

    static final int FLOWS = 200_000;
    static final long BUDGET = 256 * 1024;

    @TempDir
    Path dir;

    @Test
    void twoHundredThousandHolesStayWithinTheBudget() throws Exception {
        Path capture = dir.resolve("holes.pcap");
        long ts = 1_700_000_000_000_000L;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(capture), 1 << 20)) {
            out.write(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0xa1b2c3d4).putShort((short) 2)
                    .putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1).array());
            byte[] ooo = new byte[100];
            for (int i = 0; i < FLOWS; i++) {
                byte[] client = {10, 3, (byte) (i >> 16), (byte) (i >> 8)};
                byte[] server = {10, 4, 0, 1};
                int port = 20_000 + (i & 0xff);
                ts += 5;
                write(out, ts, tcp4(client, port, server, 80, 100, 0, SYN, 1000, new byte[0]));
                write(out, ts + 1, tcp4(server, 80, client, port, 500, 101, SYN | ACK, 1000, new byte[0]));
                write(out, ts + 2, tcp4(client, port, server, 80, 101, 501, ACK, 1000, "GET /".getBytes()));
                // bytes 106..205 never arrive; this segment waits behind the hole
                write(out, ts + 3, tcp4(client, port, server, 80, 206, 501, ACK, 1000, ooo));
            }
        }
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            CaptureImporter.Result r = new CaptureImporter(new io.flowscope.platform.pipeline.Pipelines(plugins, store, null), io.flowscope.platform.pipeline.PipelineSettings.forFiles().withReassemblyBudget(BUDGET)).importFile(capture, "holes.pcap", null);
            assertThat(r.summary().fault()).isNull();
            assertThat(r.summary().flows().get("tcp")).isEqualTo((long) FLOWS);
            assertThat(r.counters().reassemblyPeakBytes).isLessThanOrEqualTo(BUDGET).isPositive();
            assertThat(r.summary().errors().get("reassembly_budget_evictions")).isGreaterThanOrEqualTo(FLOWS - BUDGET / 100);
        }
    }

    private static void write(OutputStream out, long ts, byte[] ip) throws java.io.IOException {
        byte[] frame = ethernet(ip);
        out.write(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (ts / 1_000_000))
                .putInt((int) (ts % 1_000_000)).putInt(frame.length).putInt(frame.length).array());
        out.write(frame);
    }
}
