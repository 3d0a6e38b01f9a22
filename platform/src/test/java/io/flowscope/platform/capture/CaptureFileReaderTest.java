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

    /** A frame as seen, with a hash of its bytes (for comparing two ways of reading one capture). */
    record Read(Seen seen, int contentHash) {
    }

    static final byte[] FRAME = ethernet(tcp4(v4("10.0.0.1"), 40000, v4("10.0.0.2"), 80, 1, 1, ACK, 1000, ascii("GET / HTTP/1.1\r\n\r\n")));

    private List<Seen> read(Path file) throws Exception {
        List<Seen> seen = new ArrayList<>();
        CaptureFileReader.read(file, collect(seen), null);
        return seen;
    }

    private static FrameSink collect(List<Seen> seen) {
        PacketDecoder d = new PacketDecoder();
        MetaPacket m = new MetaPacket();
        return (b, off, cap, wire, ts, lt, ifId) -> {
            int r = d.decode(b, off, cap, wire, ts, lt, ifId, m);
            seen.add(new Seen(ts, cap, wire, lt, ifId, r == PacketDecoder.OK ? m.srcPort : -1, r == PacketDecoder.OK ? m.payloadLen : -1));
        };
    }

    private static FrameSink collectWithContent(List<Read> reads) {
        List<Seen> seen = new ArrayList<>();
        FrameSink inner = collect(seen);
        return (b, off, cap, wire, ts, lt, ifId) -> {
            inner.frame(b, off, cap, wire, ts, lt, ifId);
            reads.add(new Read(seen.get(seen.size() - 1), java.util.Arrays.hashCode(bytes(b, off, cap))));
        };
    }

    private static byte[] bytes(java.nio.ByteBuffer b, int off, int len) {
        byte[] out = new byte[len];
        b.get(off, out);
        return out;
    }

    /** The same file read as a stream that hands out a few bytes per read, as a slow upload does. */
    private static List<Read> readStreamed(byte[] file, long maxBytes) throws Exception {
        List<Read> seen = new ArrayList<>();
        java.util.Random random = new java.util.Random(file.length);
        java.io.InputStream trickle = new java.io.ByteArrayInputStream(file) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000)));
            }
        };
        CaptureFileReader.read(trickle, Path.of("upload"), maxBytes, collectWithContent(seen), null);
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

    @Test
    void streamsGiveTheSameFramesAndFaultsAsMappedFiles() throws Exception {
        byte[] big = ethernet(tcp4(v4("10.0.0.1"), 40000, v4("10.0.0.2"), 80, 1, 1, ACK, 1000, new byte[60_000]));
        CaptureWriter pcap = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535);
        CaptureWriter pcapng = CaptureWriter.pcapng(ByteOrder.BIG_ENDIAN).iface(1, 0, -1).customBlock().iface(1, 0, 9);
        for (int i = 0; i < 60; i++) {
            byte[] frame = i % 3 == 0 ? big : FRAME;
            pcap.packet(1_000_000L * i + i, frame, frame.length, 0);
            pcapng.packet(1_000_000L * i + i, frame, frame.length, i % 2);
        }
        // a pcapng block larger than the stream's first buffer (1 MiB)
        byte[] jumbo = new byte[3 << 20];
        System.arraycopy(FRAME, 0, jumbo, 0, FRAME.length);
        pcapng.packet(99_000_000L, jumbo, jumbo.length, 0);
        for (byte[] file : List.of(pcap.bytes(), pcapng.bytes())) {
            Path f = dir.resolve("s" + file.length);
            java.nio.file.Files.write(f, file);
            List<Read> mapped = new ArrayList<>();
            CaptureFileReader.read(f, collectWithContent(mapped), null);
            assertThat(readStreamed(file, Long.MAX_VALUE)).isEqualTo(mapped).hasSizeGreaterThanOrEqualTo(60);
            // cut anywhere: the same frames before the same fault
            for (int cut : new int[] {1, 3, 23, 25, 100, file.length / 2, file.length - 1}) {
                byte[] part = java.util.Arrays.copyOf(file, cut);
                java.nio.file.Files.write(f, part);
                List<Read> fromFile = new ArrayList<>();
                List<Read> fromStream = new ArrayList<>();
                String fileFault = fault(() -> CaptureFileReader.read(f, collectWithContent(fromFile), null));
                String streamFault = fault(() -> CaptureFileReader.read(new java.io.ByteArrayInputStream(part),
                        f, Long.MAX_VALUE, collectWithContent(fromStream), null));
                assertThat(streamFault).as("cut at " + cut).isEqualTo(fileFault).isNotNull();
                assertThat(fromStream).isEqualTo(fromFile);
            }
        }
    }

    @Test
    void aStreamLongerThanItsLimitEndsWithAFaultAndKeepsWhatCameBefore() throws Exception {
        CaptureWriter w = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535);
        byte[] big = ethernet(tcp4(v4("10.0.0.1"), 40000, v4("10.0.0.2"), 80, 1, 1, ACK, 1000, new byte[60_000]));
        for (int i = 0; i < 100; i++) {
            w.packet(1_000_000L * i, big, big.length, 0);
        }
        List<Seen> seen = new ArrayList<>();
        String fault = fault(() -> CaptureFileReader.read(new java.io.ByteArrayInputStream(w.bytes()), Path.of("upload"),
                2_000_000, collect(seen), null));
        assertThat(fault).startsWith("upload_too_large");
        assertThat(seen).hasSizeBetween(1, 34);
    }

    @Test
    void timestampsThatOverflowAreBadTimestampsNotWrongTimes() throws Exception {
        Path f = CaptureWriter.pcapng(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, Long.MAX_VALUE)
                .iface(1, 0, -1, -Long.MAX_VALUE).iface(1, 0, 0).iface(1, 0, 3, -2_000_000_000L).iface(1, 0, -1)
                .packet(1_000_000, FRAME, FRAME.length, 0).packet(1_000_000, FRAME, FRAME.length, 1)
                .rawPacket(-1L, FRAME, 2).packet(1_000, FRAME, FRAME.length, 3).packet(1_700_000_000_000_000L, FRAME, FRAME.length, 4)
                .write(dir.resolve("times.pcapng"));
        List<Seen> seen = read(f);
        // the decoder refuses every frame whose time is not between 1970 and 2262 (srcPort -1: not decoded)
        assertThat(seen).extracting(Seen::srcPort).containsExactly(-1, -1, -1, -1, 40000);
        assertThat(seen.get(4).ts()).isEqualTo(1_700_000_000_000_000L);
    }

    private interface Reading {
        void run() throws Exception;
    }

    /** "kind offset" of the fault the read ends with, or null. */
    private static String fault(Reading r) throws Exception {
        try {
            r.run();
            return null;
        } catch (CaptureFormatException e) {
            return e.kind() + " " + e.offset();
        }
    }
}
