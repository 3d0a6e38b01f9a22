package io.flowscope.platform.ingest;

import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.udpHeader;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.packet.IpFragments;
import io.flowscope.platform.pipeline.PipelineSettings;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.FragmentFrames;
import io.flowscope.platform.testing.Importing;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 datagrams whose first fragment arrives and whose rest never does, among 1,000 that arrive whole
 * in two fragments: the import holds no more than its fragment budget, gives up the oldest incomplete
 * datagrams and counts them, and every whole datagram still reaches its flow with all its bytes.
 */
class FragmentBudgetImportTest {

    static final int INCOMPLETE = 100_000;
    static final int WHOLE_EVERY = 100;
    static final long BUDGET = 256 * 1024;
    static final int DATA = 1000;

    @TempDir
    Path dir;

    @Test
    void incompleteDatagramsPastTheBudgetAreEvictedAndCountedAndTheWholeOnesGetThrough() throws Exception {
        Path capture = dir.resolve("fragments.pcap");
        byte[] server = {10, 5, 0, 1};
        long ts = 1_700_000_000_000_000L;
        int whole = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(capture), 1 << 20)) {
            out.write(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0xa1b2c3d4).putShort((short) 2)
                    .putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1).array());
            for (int i = 0; i < INCOMPLETE; i++) {
                byte[] client = {10, 6, (byte) (i >> 8), (byte) i};
                ts += 5;
                write(out, ts, FragmentFrames.ipv4(client, server, 17, i, 0, true, new byte[DATA]));
                if (i % WHOLE_EVERY == 0) {
                    byte[] udp = udpHeader(30_000 + whole, 53, new byte[2 * DATA - 8]);
                    write(out, ts + 1, FragmentFrames.ipv4(server, client, 17, i, DATA, false, FragmentFrames.slice(udp, DATA, DATA)));
                    write(out, ts + 2, FragmentFrames.ipv4(server, client, 17, i, 0, true, FragmentFrames.slice(udp, 0, DATA)));
                    whole++;
                }
            }
        }
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            CaptureImporter.Result r = new CaptureImporter(new Pipelines(plugins, store, null),
                    PipelineSettings.forFiles().withFragments(BUDGET, IpFragments.DEFAULT_TIMEOUT_MICROS))
                    .importFile(capture, "fragments.pcap", null);
            FileSummary s = r.summary();
            assertThat(s.fault()).isNull();
            assertThat(r.counters().fragmentPeakBytes).isLessThanOrEqualTo(BUDGET).isGreaterThan(BUDGET / 2);
            long held = BUDGET / (DATA + IpFragments.DATAGRAM_OVERHEAD + IpFragments.PIECE_OVERHEAD);
            assertThat(s.errors()).containsOnlyKeys("fragment_budget_evictions");
            assertThat(s.errors().get("fragment_budget_evictions")).isBetween(INCOMPLETE - held - 1, (long) INCOMPLETE);
            assertThat(s.flows().get("udp")).isEqualTo((long) whole);
            try (Connection c = store.connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), min(l4_byte_tx + l4_byte_rx), max(l4_byte_tx + l4_byte_rx)"
                         + " FROM flow_log.l4_flow_log WHERE protocol = 17 AND server_port = 53")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(whole);
                assertThat(rs.getLong(2)).isEqualTo(2 * DATA - 8);
                assertThat(rs.getLong(3)).isEqualTo(2 * DATA - 8);
            }
        }
    }

    private static void write(OutputStream out, long ts, byte[] ip) throws IOException {
        byte[] frame = ethernet(ip);
        out.write(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (ts / 1_000_000))
                .putInt((int) (ts % 1_000_000)).putInt(frame.length).putInt(frame.length).array());
        out.write(frame);
    }
}
