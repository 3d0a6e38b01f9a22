package io.flowscope.platform.testing;

import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.l7.ProtocolHandle;
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.pipeline.Pipeline;
import io.flowscope.platform.pipeline.PipelineSettings;
import io.flowscope.platform.capture.CaptureFileReader;
import io.flowscope.platform.packet.MetaPacket;
import io.flowscope.platform.packet.PacketDecoder;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** Runs frames through a real {@link Pipeline} (its public entry points) into a {@link CollectingWriter}. */
public final class PipelineRun {

    public final CollectingWriter rows = new CollectingWriter();
    public final Pipeline pipeline;
    private final AtomicLong ids = new AtomicLong();
    private long ts = 1_700_000_000_000_000L;

    public PipelineRun(List<ProtocolHandle> protocols, PipelineSettings settings) {
        pipeline = new Pipeline(settings, protocols, Set.of(), rows, ids::incrementAndGet, "test", null);
    }

    /** Drives a pipeline made elsewhere (with a real store's writer); {@link #rows} stays empty. */
    public PipelineRun(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    public PipelineRun(List<ProtocolHandle> protocols) {
        this(protocols, PipelineSettings.forFiles());
    }

    /** Moves the frames' clock forward. */
    public PipelineRun after(long micros) {
        ts += micros;
        return this;
    }

    /** Ethernet frames, 10 µs apart. */
    public PipelineRun frames(List<byte[]> frames) {
        for (byte[] f : frames) {
            ts += 10;
            pipeline.frames().frame(ByteBuffer.wrap(f), 0, f.length, f.length, ts, 1, 0);
        }
        return this;
    }

    /**
     * The TCP payload of a capture as a socket source would hand it over: each segment with payload becomes
     * a chunk of its connection (client: the SYN's sender, else the first sender), in capture order, with
     * the capture's times; the connection opens at its first packet and closes at its first FIN or RST.
     * {@code processSide} says which end {@code pid}/{@code comm} own (the process whose syscalls were traced).
     */
    public PipelineRun socketChunks(Path capture, int processSide, int pid, String comm) throws Exception {
        Map<String, long[]> open = new HashMap<>(); // tuple (either direction) -> {socket id, client port, closed}
        PacketDecoder decoder = new PacketDecoder();
        MetaPacket m = new MetaPacket();
        AtomicLong socketIds = new AtomicLong();
        CaptureFileReader.read(capture, (buf, off, cap, wire, ts, link, ifId) -> {
            if (decoder.decode(buf, off, cap, wire, ts, link, ifId, m) != PacketDecoder.OK || m.protocol != 6) {
                return;
            }
            String fwd = m.srcLo + ":" + m.srcPort + ">" + m.dstLo + ":" + m.dstPort;
            String rev = m.dstLo + ":" + m.dstPort + ">" + m.srcLo + ":" + m.srcPort;
            long[] c = open.containsKey(fwd) ? open.get(fwd) : open.get(rev);
            if (c == null || c[2] == 1 && m.has(MetaPacket.SYN) && !m.has(MetaPacket.ACK)) {
                boolean senderIsClient = !m.has(MetaPacket.SYN) || !m.has(MetaPacket.ACK);
                c = new long[] {socketIds.incrementAndGet(), senderIsClient ? m.srcPort : m.dstPort, 0};
                open.put(fwd, c);
                open.remove(rev);
                Connection.Builder b = Connection.builder(6).signalSource(Connection.SIGNAL_EBPF)
                        .process(processSide, pid, pid, comm);
                if (senderIsClient) {
                    b.client(m.ipv4, m.srcHi, m.srcLo, m.srcPort).server(m.dstHi, m.dstLo, m.dstPort);
                } else {
                    b.client(m.ipv4, m.dstHi, m.dstLo, m.dstPort).server(m.srcHi, m.srcLo, m.srcPort);
                }
                pipeline.sockets().open(c[0], b, ts);
            }
            if (c[2] == 1) {
                return;
            }
            int side = m.srcPort == c[1] ? 0 : 1;
            if (m.payloadLen > 0) {
                pipeline.sockets().data(c[0], side, buf, m.payloadOffset, m.payloadLen, m.payloadWireLen, ts);
            }
            if (m.has(MetaPacket.FIN) || m.has(MetaPacket.RST)) {
                c[2] = 1;
                pipeline.sockets().close(c[0], ts);
            }
        }, null);
        return this;
    }

    /** Ends the input and closes the pipeline; adds its counters to {@code into} if given. */
    public PipelineRun finish(PipelineCounters into) {
        pipeline.close();
        if (into != null) {
            into.add(pipeline.counters());
        }
        return this;
    }
}
