package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.DnsCaptureSummary;
import io.flowscope.platform.testing.DnsTraffic;
import io.flowscope.platform.testing.Dnsmasq;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.StoreState;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live: dnsmasq on loopback, asked by dig over UDP and over TCP (A, AAAA, a CNAME, NXDOMAIN, SERVFAIL), captured by
 * tcpdump, imported by Flowscope and dissected by tshark. Every query is one l7_flow_log row, paired with its
 * response by DNS id, with its name, type, rcode, status, exception and answers; the ids, names, types and rcodes
 * equal tshark's.
 *
 * <p>With {@code -Dflowscope.golden.update=true} the capture, tshark's view and the rows are saved as the golden
 * files of {@link DnsGoldenCaptureTest}.
 */
@Privileged(programs = {"dnsmasq", "dig", "tcpdump", "tshark"})
class DnsmasqCaptureTest {

    static final String ROW_COLUMNS = "l7_protocol, l7_protocol_str, type, request_type, request_resource, request_domain,"
            + " endpoint, response_code, response_status, response_exception, response_result";

    @TempDir
    Path dir;

    @Test
    void everyDigQueryIsOneRowAndAgreesWithTshark() throws Exception {
        Path capture = dir.resolve("dnsmasq-dns.pcap");
        int port;
        try (Dnsmasq dns = Dnsmasq.start(dir.resolve("dnsmasq"))) {
            port = dns.port();
            try (Tcpdump tcpdump = Tcpdump.start(capture, "port " + port)) {
                DnsTraffic.drive(port, dir);
            }
        }
        DnsCaptureSummary tshark = DnsCaptureSummary.tshark(capture, port, dir);
        assertThat(tshark.queries()).hasSize(2 * DnsTraffic.CASES.size());
        assertThat(tshark.responses()).hasSize(2 * DnsTraffic.CASES.size());

        FileSummary summary;
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            summary = Importing.importFile(store, capture);
            try (Connection c = store.connection()) {
                assertThat(DnsCaptureSummary.flowscope(c)).isEqualTo(tshark);
            }
            assertThat(StoreState.rows(store, "SELECT " + ROW_COLUMNS + ", server_port, request_id IS NOT NULL,"
                    + " response_duration IS NOT NULL FROM flow_log.l7_flow_log ORDER BY start_time"))
                    .containsExactlyElementsOf(expectedRows(port));
            if (Boolean.getBoolean("flowscope.golden.update")) {
                Path golden = Path.of("src/test/resources/captures");
                Files.copy(capture, golden.resolve("dnsmasq-dns.pcap"), StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(golden.resolve("dnsmasq-dns.expected.json"), tshark.toJson());
                Files.writeString(golden.resolve("dnsmasq-dns.port"), port + "\n");
            }
        }
        assertThat(summary.fault()).isNull();
        assertThat(summary.errors()).isEmpty();
        assertThat(summary.requests()).containsEntry("dns", (long) DnsTraffic.CASES.size())
                .containsEntry("dns-tcp", (long) DnsTraffic.CASES.size());
    }

    /** Each case over UDP, then each over TCP: a session row (type 2) with a duration. */
    static List<String> expectedRows(int port) {
        List<String> rows = new ArrayList<>();
        for (String protocol : List.of("dns", "dns-tcp")) {
            for (DnsTraffic.Case c : DnsTraffic.CASES) {
                boolean address = c.type().equals("A") || c.type().equals("AAAA");
                int status = c.rcode() == 0 ? 0 : c.rcode() == 3 ? 4 : 3;
                String exception = c.rcode() == 0 ? null : c.rcode() == 3 ? "NXDOMAIN" : "SERVFAIL";
                rows.add("120|" + protocol + "|2|" + c.type() + "|" + c.name() + "|" + (address ? c.name() : null) + "|"
                        + c.name() + "|" + c.rcode() + "|" + status + "|" + exception + "|" + c.result() + "|" + port
                        + "|true|true");
            }
        }
        return rows;
    }
}
