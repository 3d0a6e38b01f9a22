package io.flowscope.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.CaptureWriter;
import io.flowscope.platform.testing.Cli;
import io.flowscope.platform.testing.TcpConversation;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowscope import} on bad input, run as a user runs it: a message that names the file and the
 * byte offset, everything before the fault kept, no stack trace, and malformed packets counted by kind.
 */
class ImportCommandTest {

    @TempDir
    Path dir;

    private Path data() {
        return dir.resolve("data");
    }

    /** Two HTTP connections (20 frames) as a pcap; fills the offset where each record starts. */
    private Path goodCapture(String name, long[] offsets) throws Exception {
        CaptureWriter w = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535);
        long ts = 1_700_000_000_000_000L;
        int i = 0;
        for (List<byte[]> conv : List.of(TcpConversation.httpGet(40001, "/a"), TcpConversation.httpGet(40002, "/b"))) {
            for (byte[] f : conv) {
                if (offsets != null && i < offsets.length) {
                    offsets[i] = w.bytes().length;
                }
                i++;
                w.packet(ts += 1000, f, f.length, 0);
            }
        }
        return w.write(dir.resolve(name));
    }

    private long rows(String table) throws Exception {
        try (DuckDbStore store = DuckDbStore.open(data()); Connection c = store.connection();
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM flow_log." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertNoTrace(Cli.Result r) {
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void goodCaptureGivesTheSummaryAndJson() throws Exception {
        Path f = goodCapture("good.pcap", null);
        Cli.Result r = Cli.run(dir, "import", "--data-dir", data().toString(), "--json", f.toString(), f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"files\"", "\"total\"", "\"http1\" : 2", "\"http1\" : 4", "\"tcp\" : 4", "\"packets\" : 40");
        assertThat(rows("l4_flow_log")).isEqualTo(4);
        assertThat(rows("l7_flow_log")).isEqualTo(4);
        Cli.Result text = Cli.run(dir, "import", "--data-dir", data().toString(), f.toString());
        assertThat(text.out()).contains("flows     2 (tcp 2, udp 0, other 0)", "requests  http1 2", "errors    none");
    }

    @Test
    void emptyFile() throws Exception {
        Path f = Files.createFile(dir.resolve("empty.pcap"));
        Cli.Result r = Cli.run(dir, "import", "--data-dir", data().toString(), f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(f.toString(), "the file is empty", "byte offset 0");
        assertNoTrace(r);
    }

    @Test
    void wrongMagic() throws Exception {
        Path f = Files.writeString(dir.resolve("notes.pcap"), "this is not a capture at all");
        Cli.Result r = Cli.run(dir, "import", "--data-dir", data().toString(), f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(f.toString(), "not a pcap or pcapng file", "byte offset 0");
        assertNoTrace(r);
    }

    @Test
    void truncatedHeader() throws Exception {
        byte[] header = CaptureWriter.pcap(ByteOrder.BIG_ENDIAN, false, 1, 65535).bytes();
        Path f = Files.write(dir.resolve("short.pcap"), Arrays.copyOf(header, 10));
        Cli.Result r = Cli.run(dir, "import", "--data-dir", data().toString(), f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(f.toString(), "pcap header needs 24 bytes", "byte offset 10");
        assertNoTrace(r);
    }

    @Test
    void truncatedLastPacketKeepsEverythingBefore() throws Exception {
        long[] offsets = new long[20];
        Path good = goodCapture("t.pcap", offsets);
        byte[] all = Files.readAllBytes(good);
        Path f = Files.write(dir.resolve("truncated.pcap"), Arrays.copyOf(all, all.length - 5));
        Cli.Result r = Cli.run(dir, "import", "--data-dir", data().toString(), "--json", f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(f.toString(), "truncated packet record", "byte offset " + offsets[19], "kept the 19 packets");
        assertThat(r.out()).contains("\"packets\" : 19", "\"truncated_record\" : 1", "\"http1\" : 2");
        assertNoTrace(r);
        assertThat(rows("l4_flow_log")).isEqualTo(2);
        assertThat(rows("l7_flow_log")).isEqualTo(2);
    }

    @Test
    void randomBytesAfterAValidPrefix() throws Exception {
        Path good = goodCapture("g.pcap", null);
        byte[] junk = new byte[300];
        new Random(7).nextBytes(junk);
        byte[] all = Files.readAllBytes(good);
        byte[] both = Arrays.copyOf(all, all.length + junk.length);
        System.arraycopy(junk, 0, both, all.length, junk.length);
        Path f = Files.write(dir.resolve("junk.pcap"), both);
        Cli.Result r = Cli.run(dir, "import", "--data-dir", data().toString(), "--json", f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(f.toString(), "byte offset " + all.length, "kept the 20 packets");
        assertThat(r.out()).contains("\"http1\" : 2");
        assertNoTrace(r);
        assertThat(rows("l7_flow_log")).isEqualTo(2);
    }

    @Test
    void pcapngBlockWithAWrongLength() throws Exception {
        CaptureWriter w = CaptureWriter.pcapng(ByteOrder.LITTLE_ENDIAN).iface(1, 65535, -1);
        for (byte[] frame : TcpConversation.httpGet(40003, "/ng")) {
            w.packet(1_700_000_000_000_000L, frame, frame.length, 0);
        }
        long bad = w.bytes().length;
        byte[] frame = TcpConversation.httpGet(40004, "/x").get(0);
        w.packet(1_700_000_000_000_000L, frame, frame.length, 0);
        byte[] all = w.bytes();
        // the last block's trailing length no longer matches its leading one
        all[all.length - 4] = 0x7f;
        Path f = Files.write(dir.resolve("bad.pcapng"), all);
        Cli.Result r = Cli.run(dir, "import", "--data-dir", data().toString(), "--json", f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(f.toString(), "byte offset " + bad, "says length");
        assertThat(r.out()).contains("\"bad_block_length\" : 1", "\"http1\" : 1");
        assertNoTrace(r);
    }

    @Test
    void snaplenCutAndMalformedPacketsAreCountedAndSkipped() throws Exception {
        CaptureWriter w = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, true, 1, 60);
        long ts = 1_700_000_000_000_000L;
        for (byte[] f : TcpConversation.httpGet(40005, "/cut")) {
            w.packet(ts += 10, f, Math.min(60, f.length), 0);
        }
        byte[] ok = TcpConversation.httpGet(40006, "/fine").get(0);
        w.packet(ts += 10, ok, 20, 0); // ends inside the IP header
        Path f = w.write(dir.resolve("cut.pcap"));
        Cli.Result r = Cli.run(dir, "import", "--data-dir", data().toString(), "--json", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"snaplen_cut\" : 2", "\"truncated_ip_header\" : 1", "\"packets\" : 11");
        assertNoTrace(r);
        assertThat(rows("l4_flow_log")).isEqualTo(1);
    }

    @Test
    void missingFileAndUsageErrors() throws Exception {
        Cli.Result r = Cli.run(dir, "import", "--data-dir", data().toString(), dir.resolve("nope.pcap").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("nope.pcap: no such file");
        assertNoTrace(r);
        Cli.Result usage = Cli.run(dir, "import", "--server", "http://127.0.0.1:1", "--data-dir", "x", "f.pcap");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("mutually exclusive");
        assertNoTrace(usage);
    }
}
