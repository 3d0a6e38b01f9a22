package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.ConversationSummary;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded nginx capture re-framed in other link types and fragmented (captures/linktypes/make-captures.py)
 * against golden files of what tshark saw: every capture must give the original's TCP conversations with the
 * same payload bytes, the fragmented ones their UDP conversations too, and the same HTTP requests and
 * responses. The golden files are checked without tshark; re-checking them needs tshark, and
 * {@code -Dflowscope.record-golden=true} records them afresh after the captures were made again.
 */
class LinkTypeCaptureTest {

    static final Path DIR = Path.of("src/test/resources/captures/linktypes");
    static final Path PORT = Path.of("src/test/resources/captures/nginx-http1.port");

    /** Each capture, with the problems Flowscope must count in it (the script puts them there on purpose). */
    static Stream<Arguments> captures() {
        return Stream.of(
                // a beacon and a QoS null frame are not IP; one encrypted data frame cannot be read
                Arguments.of("radiotap-wlan.pcap", Map.of("wlan_protected", 1L)),
                Arguments.of("ppi-wlan.pcap", Map.of("wlan_protected", 1L)),
                Arguments.of("nflog.pcap", Map.of()),
                Arguments.of("ppp.pcap", Map.of()),
                Arguments.of("pppoe.pcap", Map.of()),
                Arguments.of("pppoe-vlan.pcap", Map.of()),
                // 9 datagrams are fragmented; 3 of them carry a duplicate fragment and an overlapping copy: 2 each
                Arguments.of("ipv4-fragments.pcap", Map.of("fragment_overlaps", 2L * 3)),
                Arguments.of("ipv6-fragments.pcap", Map.of("fragment_overlaps", 2L * 3)));
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("captures")
    void importGivesWhatTsharkSaw(String name, Map<String, Long> errors) throws Exception {
        ConversationSummary expected = ConversationSummary.readJson(golden(name));
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary s = Importing.importFile(store, DIR.resolve(name));
            assertThat(s.fault()).isNull();
            assertThat(s.errors()).isEqualTo(errors);
            assertThat(s.flows()).containsEntry("tcp", (long) expected.tcpConversations())
                    .containsEntry("udp", (long) expected.udpConversations());
            try (Connection c = store.connection()) {
                assertThat(ConversationSummary.flowscope(c, expected.http().interimResponses())).isEqualTo(expected);
            }
        }
    }

    /** Needs tshark: skipped with the reason without it, and a failure under CI=true (which installs it). */
    @ParameterizedTest
    @MethodSource("captures")
    @Privileged(programs = "tshark")
    void goldenFileIsWhatTsharkSays(String name, Map<String, Long> errors) throws Exception {
        int port = Integer.parseInt(Files.readString(PORT).trim());
        ConversationSummary tshark = ConversationSummary.tshark(DIR.resolve(name), port, dir);
        if (Boolean.getBoolean("flowscope.record-golden")) {
            Files.writeString(golden(name), tshark.toJson());
        }
        assertThat(tshark).isEqualTo(ConversationSummary.readJson(golden(name)));
        assertThat(tshark.tcpConversations()).as("the original's conversations").isEqualTo(12);
        assertThat(tshark.http().requests()).as("the original's requests").hasSize(17);
    }

    private static Path golden(String capture) {
        return DIR.resolve(capture.replace(".pcap", ".expected.json"));
    }
}
