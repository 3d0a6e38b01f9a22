package io.flowscope.platform.capture;

import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.ascii;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.tcp4;
import static io.flowscope.platform.testing.Frames.v4;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.packet.MetaPacket;
import io.flowscope.platform.packet.PacketDecoder;
import io.flowscope.platform.testing.CaptureWriter;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CaptureFileReaderTest {

    @TempDir
    Path dir;

    record Seen(long ts, int cap, int wire, int linkType, int ifId, int srcPort, int payload) {
    }

    static final byte[] FRAME = ethernet(tcp4(v4("10.0.0.1"), 40000, v4("10.0.0.2"), 80, 1, 1, ACK, 1000, ascii("GET / HTTP/1.1\r\n\r\n")));

    private List<Seen> read(Path file) throws Exception {
        List<Seen> seen = new ArrayList<>();
        PacketDecoder d = new PacketDecoder();
        MetaPacket m = new MetaPacket();
        CaptureFileReader.read(file, (b, off, cap, wire, ts, lt, ifId) -> {
            int r = d.decode(b, off, cap, wire, ts, lt, ifId, m);
            seen.add(new Seen(ts, cap, wire, lt, ifId, r == PacketDecoder.OK ? m.srcPort : -1, r == PacketDecoder.OK ? m.payloadLen : -1));
        }, null);
        return seen;
    }

    @ParameterizedTest(name = "pcap {0} nanos={1}")
    @CsvSource({"BIG_ENDIAN,false", "LITTLE_ENDIAN,false", "BIG_ENDIAN,true", "LITTLE_ENDIAN,true"})
    void pcapInBothByteOrdersAndResolutions(String order, boolean nanos) throws Exception {
        ByteOrder bo = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Path f = CaptureWriter.pcap(bo, nanos, 1, 65535)
                .packet(1_700_000_000_123_456L, FRAME, FRAME.length, 0)
                .packet(1_700_000_001_000_001L, FRAME, 54, 0)
                .write(dir.resolve("a.pcap"));
        List<Seen> seen = read(f);
        assertThat(seen).containsExactly(
                new Seen(1_700_000_000_123_456L, FRAME.length, FRAME.length, 1, 0, 40000, 18),
                new Seen(1_700_000_001_000_001L, 54, FRAME.length, 1, 0, 40000, 0));
    }

    @ParameterizedTest(name = "pcapng {0}")
    @CsvSource({"BIG_ENDIAN", "LITTLE_ENDIAN"})
    void pcapngWithSeveralInterfacesOptionsAndUnknownBlocks(String order) throws Exception {
        ByteOrder bo = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] cooked = io.flowscope.platform.testing.Frames.sll2(tcp4(v4("10.0.0.3"), 41000, v4("10.0.0.4"), 80, 1, 1, ACK, 1000, ascii("x")));
        Path f = CaptureWriter.pcapng(bo)
                .iface(1, 65535, -1)
                .customBlock()
                .iface(276, 65535, 9) // nanosecond resolution
                .packet(1_700_000_000_000_007L, FRAME, FRAME.length, 0)
                .rawPacket(1_700_000_000_000_000_123L, cooked, 1)
                .write(dir.resolve("a.pcapng"));
        List<Seen> seen = read(f);
        assertThat(seen).containsExactly(
                new Seen(1_700_000_000_000_007L, FRAME.length, FRAME.length, 1, 0, 40000, 18),
                new Seen(1_700_000_000_000_000L, cooked.length, cooked.length, 276, 1, 41000, 1));
    }

    @Test
    void pcapngBinaryResolutionIsConverted() throws Exception {
        // if_tsresol 0x80|10: units of 2^-10 s; 3 s + 512 units = 3.5 s
        Path f = CaptureWriter.pcapng(ByteOrder.LITTLE_ENDIAN).iface(1, 0, 0x8a)
                .rawPacket((3L << 10) + 512, FRAME, 0).write(dir.resolve("b.pcapng"));
        assertThat(read(f)).extracting(Seen::ts).containsExactly(3_500_000L);
    }

    @Test
    void largeFilesAreReadAcrossMappingWindows() throws Exception {
        CaptureWriter w = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535);
        byte[] big = ethernet(tcp4(v4("10.0.0.1"), 40000, v4("10.0.0.2"), 80, 1, 1, ACK, 1000, new byte[60_000]));
        int n = 200;
        for (int i = 0; i < n; i++) {
            w.packet(1_000_000L * i, big, big.length, 0);
        }
        Path f = w.write(dir.resolve("big.pcap"));
        assertThat(read(f)).hasSize(n).allSatisfy(s -> assertThat(s.payload()).isEqualTo(60_000));
    }
}
