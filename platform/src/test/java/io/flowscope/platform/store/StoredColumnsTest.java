package io.flowscope.platform.store;

import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.PSH;
import static io.flowscope.platform.testing.Frames.SYN;
import static io.flowscope.platform.testing.Frames.ascii;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.ipv6;
import static io.flowscope.platform.testing.Frames.tcpHeader;
import static io.flowscope.platform.testing.Frames.udp4;
import static io.flowscope.platform.testing.Frames.v4;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.ingest.FileSummary;
import io.flowscope.platform.testing.CaptureWriter;
import io.flowscope.platform.testing.Importing;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What lands in the columns for IPv6, VLAN-tagged UDP and a request left without a response. */
class StoredColumnsTest {

    @TempDir
    Path dir;

    @Test
    void ipv6VlanUdpAndLoneRequests() throws Exception {
        byte[] c6 = InetAddress.getByName("2001:db8::1").getAddress();
        byte[] s6 = InetAddress.getByName("2001:db8::2").getAddress();
        String req = "GET /v6?q=1 HTTP/1.1\r\nHost: [2001:db8::2]\r\nX-B3-TraceId: abc123\r\nX-B3-SpanId: def456\r\n\r\n";
        CaptureWriter w = CaptureWriter.pcap(ByteOrder.BIG_ENDIAN, false, 1, 65535);
        long ts = 1_700_000_000_000_000L;
        w.packet(ts, frame6(c6, 41000, s6, 8080, 10, 0, SYN, ""), frame6len(""), 0);
        w.packet(ts + 100, frame6(s6, 8080, c6, 41000, 90, 11, SYN | ACK, ""), frame6len(""), 0);
        w.packet(ts + 200, frame6(c6, 41000, s6, 8080, 11, 91, ACK, ""), frame6len(""), 0);
        w.packet(ts + 300, frame6(c6, 41000, s6, 8080, 11, 91, PSH | ACK, req), frame6len(req), 0);
        byte[] dns = ethernet(udp4(v4("192.168.7.7"), 53000, v4("192.168.7.1"), 53, ascii("not-really-dns")), 42);
        w.packet(ts + 400, dns, dns.length, 0);
        FileSummary s;
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            s = Importing.importFile(store, w.write(dir.resolve("v6.pcap")));
            try (Connection c = store.connection(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT is_ipv4, ip4_0, ip6_0, ip6_1, client_port, server_port,"
                        + " close_type, rtt_server, l7_request, l7_protocol FROM flow_log.l4_flow_log WHERE protocol = 6")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isZero();
                    assertThat(rs.getObject(2)).isNull();
                    assertThat(rs.getString(3)).isEqualTo("2001:db8::1");
                    assertThat(rs.getString(4)).isEqualTo("2001:db8::2");
                    assertThat(rs.getInt(5)).isEqualTo(41000);
                    assertThat(rs.getInt(6)).isEqualTo(8080);
                    assertThat(rs.getInt(7)).isEqualTo(5); // still open when the capture ended
                    assertThat(rs.getDouble(8)).isEqualTo(100.0);
                    assertThat(rs.getInt(9)).isEqualTo(1);
                    assertThat(rs.getInt(10)).isEqualTo(20);
                }
                try (ResultSet rs = st.executeQuery("SELECT type, response_status, response_code, response_duration,"
                        + " request_domain, endpoint, trace_id, span_id, ip6_1 FROM flow_log.l7_flow_log")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isZero();           // a request alone
                    assertThat(rs.getInt(2)).isEqualTo(5);       // unknown: the flow was still open
                    assertThat(rs.getObject(3)).isNull();
                    assertThat(rs.getObject(4)).isNull();
                    assertThat(rs.getString(5)).isEqualTo("[2001:db8::2]");
                    assertThat(rs.getString(6)).isEqualTo("/v6");
                    assertThat(rs.getString(7)).isEqualTo("abc123");
                    assertThat(rs.getString(8)).isEqualTo("def456");
                    assertThat(rs.getString(9)).isEqualTo("2001:db8::2");
                }
                try (ResultSet rs = st.executeQuery("SELECT ip4_str(ip4_0), ip4_str(ip4_1), server_port, vlan, close_type"
                        + " FROM flow_log.l4_flow_log WHERE protocol = 17")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("192.168.7.7");
                    assertThat(rs.getString(2)).isEqualTo("192.168.7.1");
                    assertThat(rs.getInt(3)).isEqualTo(53);
                    assertThat(rs.getInt(4)).isEqualTo(42);
                    assertThat(rs.getInt(5)).isEqualTo(5);
                }
            }
        }
        assertThat(s.flows()).containsEntry("tcp", 1L).containsEntry("udp", 1L);
    }

    private static byte[] frame6(byte[] src, int sport, byte[] dst, int dport, int seq, int ack, int flags, String data) {
        return ethernet(ipv6(src, dst, 6, tcpHeader(sport, dport, seq, ack, flags, 1000, 0, ascii(data))));
    }

    private static int frame6len(String data) {
        return 14 + 40 + 20 + data.length();
    }
}
