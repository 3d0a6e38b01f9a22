package io.flowscope.platform.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.ingest.CaptureImporter;
import io.flowscope.platform.ingest.FileSummary;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.CaptureWriter;
import io.flowscope.platform.testing.Frames;
import io.flowscope.platform.testing.SamplePlugins;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A datagram protocol plugin built as its own project against plugin-api (src/test/plugins/dns-mini):
 * its build runs the conformance kit in datagram mode, which lists the checks that do not apply as
 * skipped with their reason; dropped in, it parses DNS over UDP into paired l7_flow_log rows.
 */
class DatagramPluginTest {

    @TempDir
    Path dir;

    @Test
    void aDatagramPluginPassesTheKitInDatagramModeAndWorksDroppedIn() throws Exception {
        Path build = SamplePlugins.dnsMini();
        String report;
        try (Stream<Path> s = Files.list(build.resolve("target/surefire-reports"))) {
            Path xml = s.filter(p -> p.getFileName().toString().startsWith("TEST-")).findFirst().orElseThrow();
            report = Files.readString(xml);
        }
        // nine checks ran, two were skipped with their reason
        assertThat(report).contains("tests=\"9\"", "failures=\"0\"", "errors=\"0\"", "skipped=\"2\"",
                "a datagram protocol: each datagram arrives whole, so splits do not apply",
                "a datagram protocol: lost datagrams are simply not delivered, there are no holes",
                "multiplexedMessagesCarryTheirIds", "laterMessagesAreFoundAfterAGap");

        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(build.resolve("dns-mini.jar"), plugins.resolve("dns-mini.jar"));
        byte[] client = Frames.v4("10.5.0.1");
        byte[] server = Frames.v4("10.5.0.53");
        CaptureWriter w = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535);
        long t = 1_700_000_000_000_000L;
        byte[] query = Frames.ethernet(Frames.udp4(client, 33000, server, 53, dns(0x0101, 0x0100, "api.example")));
        byte[] answer = Frames.ethernet(Frames.udp4(server, 53, client, 33000, dns(0x0101, 0x8180, "api.example")));
        Path capture = w.packet(t, query, query.length, 0).packet(t + 800, answer, answer.length, 0).write(dir.resolve("dns.pcap"));
        try (PluginHost host = PluginHost.start(plugins); DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            assertThat(host.statuses()).extracting(PluginStatus::state).containsExactly("STARTED");
            FileSummary s = new CaptureImporter(host, store).importFile(capture, "dns.pcap", null).summary();
            assertThat(s.requests()).containsEntry("dns-mini", 1L);
            try (Connection c = store.connection(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT type, request_type, request_domain, response_code, response_duration, request_id, l7_protocol"
                            + " FROM flow_log.l7_flow_log")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getInt(4) + " "
                        + rs.getLong(5) + " " + rs.getLong(6) + " " + rs.getInt(7)).isEqualTo("2 A api.example 0 800 257 120");
            }
        }
    }

    static byte[] dns(int id, int flags, String name) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int[] head = {id >> 8, id, flags >> 8, flags, 0, 1, 0, 0, 0, 0, 0, 0};
        for (int x : head) {
            b.write(x & 0xff);
        }
        for (String label : name.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        b.write(0);
        b.writeBytes(new byte[] {0, 1, 0, 1});
        return b.toByteArray();
    }
}
