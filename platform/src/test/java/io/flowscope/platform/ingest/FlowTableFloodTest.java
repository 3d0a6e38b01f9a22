package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Cli;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.StoreState;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SYN flood does not take the flow table's memory with it: 1,000,000 SYNs from distinct sources over 10 s of
 * capture time, with the recorded nginx session (12 flows, 17 requests) in the middle of them, imported by the real
 * command line with {@code --max-flows 100000} in a JVM whose heap is capped at the documented bound
 * (docs/import.md: 320 MiB for 100,000 flows, the network metrics at their cap included). The import finishes, the evictions are counted in its summary, and
 * the nginx session's flows and requests are what importing it alone gives. Without the bound the flood's flows
 * (about 1 KiB each) would not fit in that heap.
 */
class FlowTableFloodTest {

    private static final int SYNS = 1_000_000;
    private static final int MAX_FLOWS = 100_000;
    private static final String HEAP = "-Xmx320m";
    private static final Path NGINX = Path.of("src/test/resources/captures/nginx-http1.pcap");

    @TempDir
    Path dir;

    @Test
    void aMillionSynsThroughATableOfAHundredThousandKeepMemoryBoundedAndRealFlowsWhole() throws Exception {
        Path flood = dir.resolve("flood.pcap");
        long nginxPackets = writeFlood(flood);

        Path data = dir.resolve("data");
        List<String> cmd = new ArrayList<>(Cli.command("import", "--json", "--max-flows", String.valueOf(MAX_FLOWS),
                "--data-dir", data.toString(), flood.toString()));
        cmd.add(1, HEAP);
        cmd.add(2, "-XX:+ExitOnOutOfMemoryError");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(dir.resolve("err.txt").toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("import finished").isTrue();
        String err = Files.readString(dir.resolve("err.txt"));
        assertThat(p.exitValue()).as("exit status; stderr: %s", err).isZero();
        JsonNode summary = JsonMapper.builder().build().readTree(Files.readString(dir.resolve("out.txt"))).get("files").get(0);
        assertThat(summary.get("packets").asLong()).isEqualTo(SYNS + nginxPackets);
        // every SYN is a flow; all but the last table's worth (still open at the end) are evicted or timed out
        long evictions = summary.get("errors").path("flow_table_evictions").asLong();
        // the nginx flows closed but not yet ended (last ACK not captured) may go too, counted
        assertThat(evictions).isBetween((long) SYNS - MAX_FLOWS, (long) SYNS - MAX_FLOWS + 12);

        Path alone = dir.resolve("alone");
        List<String> nginxRows;
        try (DuckDbStore store = DuckDbStore.open(alone)) {
            Importing.importFile(store, NGINX);
            nginxRows = nginxRows(store);
        }
        try (DuckDbStore store = DuckDbStore.open(data)) {
            assertThat(nginxRows(store)).isEqualTo(nginxRows).hasSize(12 + 17);
            assertThat(StoreState.rows(store, "SELECT count(*) FROM flow_log.l4_flow_log WHERE close_type = 21"))
                    .containsExactly(String.valueOf(evictions));
            // every SYN is one flow (those alive at a minute boundary have a report there too)
            assertThat(StoreState.rows(store, "SELECT count(DISTINCT flow_id) FROM flow_log.l4_flow_log WHERE server_port = 80"))
                    .containsExactly(String.valueOf(SYNS));
        }
    }

    /** The nginx session's flows and requests, every column that does not depend on the import (ids, times of rows). */
    private static List<String> nginxRows(DuckDbStore store) throws Exception {
        int port = Integer.parseInt(Files.readString(NGINX.resolveSibling("nginx-http1.port")).trim());
        List<String> rows = new ArrayList<>(StoreState.rows(store, "SELECT client_port, close_type, packet_tx, packet_rx, "
                + "byte_tx, byte_rx, rtt, srt_sum, srt_count, retrans_tx, retrans_rx, start_time, end_time "
                + "FROM flow_log.l4_flow_log WHERE server_port = " + port + " ORDER BY start_time, client_port"));
        rows.addAll(StoreState.rows(store, "SELECT client_port, request_type, request_resource, response_code, "
                + "response_duration, start_time FROM flow_log.l7_flow_log WHERE server_port = " + port
                + " ORDER BY start_time, client_port"));
        return rows;
    }

    /**
     * 1,000,000 SYNs 10 µs apart from 10.x.y.z to 192.0.2.1:80, starting 2 s before the nginx session, whose packets
     * are merged in at their own times. Returns the nginx session's packet count.
     */
    private static long writeFlood(Path file) throws Exception {
        ByteBuffer nginx = ByteBuffer.wrap(Files.readAllBytes(NGINX)).order(ByteOrder.LITTLE_ENDIAN);
        nginx.position(24);
        long firstNginx = micros(nginx, nginx.position());
        long start = firstNginx - 2_000_000L;
        long packets = 0;
        byte[] syn = synTemplate();
        ByteBuffer rec = ByteBuffer.allocate(16 + syn.length).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(Files.readAllBytes(NGINX), 0, 24); // the same global header: Ethernet, µs
            for (int i = 0; i < SYNS; i++) {
                long ts = start + i * 10L;
                while (nginx.hasRemaining() && micros(nginx, nginx.position()) <= ts) {
                    int len = nginx.getInt(nginx.position() + 8);
                    out.write(nginx.array(), nginx.position(), 16 + len);
                    nginx.position(nginx.position() + 16 + len);
                    packets++;
                }
                setSource(syn, i);
                rec.clear();
                rec.putInt((int) (ts / 1_000_000)).putInt((int) (ts % 1_000_000)).putInt(syn.length).putInt(syn.length).put(syn);
                out.write(rec.array(), 0, rec.position());
            }
            while (nginx.hasRemaining()) {
                int len = nginx.getInt(nginx.position() + 8);
                out.write(nginx.array(), nginx.position(), 16 + len);
                nginx.position(nginx.position() + 16 + len);
                packets++;
            }
        }
        return packets;
    }

    private static long micros(ByteBuffer b, int at) {
        return (b.getInt(at) & 0xffffffffL) * 1_000_000L + (b.getInt(at + 4) & 0xffffffffL);
    }

    private static byte[] synTemplate() {
        byte[] ip = io.flowscope.platform.testing.Frames.tcp4(io.flowscope.platform.testing.Frames.v4("10.0.0.0"), 1024,
                io.flowscope.platform.testing.Frames.v4("192.0.2.1"), 80, 7, 0, io.flowscope.platform.testing.Frames.SYN,
                64240, "".getBytes(StandardCharsets.US_ASCII));
        return io.flowscope.platform.testing.Frames.ethernet(ip);
    }

    /** Source 10.a.b.c (distinct per i) and its IPv4 header checksum. */
    private static void setSource(byte[] frame, int i) {
        int ip = 14;
        frame[ip + 12] = 10;
        frame[ip + 13] = (byte) (i >>> 16);
        frame[ip + 14] = (byte) (i >>> 8);
        frame[ip + 15] = (byte) i;
        frame[ip + 10] = 0;
        frame[ip + 11] = 0;
        int sum = 0;
        for (int k = 0; k < 20; k += 2) {
            sum += ((frame[ip + k] & 0xff) << 8) | (frame[ip + k + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = ~((sum & 0xffff) + (sum >>> 16)) & 0xffff;
        frame[ip + 10] = (byte) (sum >>> 8);
        frame[ip + 11] = (byte) sum;
    }
}
