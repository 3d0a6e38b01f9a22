package io.flowscope.platform.pipeline;

import io.flowscope.platform.capture.FrameSink;
import io.flowscope.platform.flow.FlowGenerator;
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.metrics.network.NetworkMetrics;
import io.flowscope.platform.packet.DecodeError;
import io.flowscope.platform.packet.IpFragments;
import io.flowscope.platform.packet.MetaPacket;
import io.flowscope.platform.packet.PacketDecoder;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame entry point: decode into one reused MetaPacket and hand it to the flow generator. Every 1024
 * frames it lets the pipeline look at the wall clock (commits by age, live counters).
 */
final class FrameInput implements FrameSink {

    private static final Logger log = LoggerFactory.getLogger(FrameInput.class);

    private final FlowGenerator flows;
    private final NetworkMetrics network;
    private final PipelineCounters c;
    private final String source;
    private final Runnable tick;
    private final PacketDecoder decoder;
    private final MetaPacket packet = new MetaPacket();
    private final long[] errors = new long[DecodeError.values().length];
    private long internal;
    /** Frames that could not be decoded, since the start (the per-kind counts are folded away). */
    private long undecodable;

    FrameInput(FlowGenerator flows, NetworkMetrics network, IpFragments fragments, PipelineCounters c, String source,
               Runnable tick) {
        this.decoder = new PacketDecoder(fragments);
        this.flows = flows;
        this.network = network;
        this.c = c;
        this.source = source;
        this.tick = tick;
    }

    @Override
    public void frame(ByteBuffer b, int off, int capLen, int wireLen, long ts, int linkType, int ifId) {
        frame(b, off, capLen, wireLen, ts, linkType, ifId, -1);
    }

    /** The tag goes back on the packet: its VLAN id, and the 4 bytes it took on the wire. */
    @Override
    public void taggedFrame(ByteBuffer b, int off, int capLen, int wireLen, long ts, int linkType, int ifId, int vlanTci) {
        frame(b, off, capLen, wireLen, ts, linkType, ifId, vlanTci);
    }

    private void frame(ByteBuffer b, int off, int capLen, int wireLen, long ts, int linkType, int ifId, int vlanTci) {
        if ((c.packets & 1023) == 0) {
            tick.run();
        }
        c.packets++;
        c.bytes += vlanTci >= 0 ? wireLen + 4 : wireLen;
        try {
            int r = decoder.decode(b, off, capLen, wireLen, ts, linkType, ifId, packet);
            if (r == PacketDecoder.OK) {
                if (decoder.cut()) {
                    errors[DecodeError.SNAPLEN_CUT.ordinal()]++;
                }
                if (vlanTci >= 0) {
                    packet.vlan = vlanTci & 0x0fff;
                    packet.wireLen += 4;
                }
                // the metrics' second moves before the packet is counted, so its bytes land in its own second
                network.packetTime(packet.tsMicros);
                flows.packet(packet);
            } else if (r == PacketDecoder.FAILED) {
                errors[decoder.error().ordinal()]++;
                undecodable++;
            }
            // NOT_IP (ARP, LLDP …) is neither a flow nor an error; FRAGMENT_HELD waits for the rest of its datagram
        } catch (RuntimeException e) {
            if (e instanceof io.flowscope.platform.store.StoreWriteException) {
                throw e; // not the packet's fault: the import cannot go on
            }
            // a bug of ours on some input: count it, say it once, keep going with the next packet
            if (internal++ == 0) {
                log.error("{}: packet {} could not be processed; skipping such packets", source, c.packets, e);
            }
        }
    }

    /** Frames that could not be decoded since the start. */
    long undecodable() {
        return undecodable;
    }

    /** Adds the decode errors counted so far to the counters (and starts counting afresh). */
    void foldErrors() {
        for (DecodeError e : DecodeError.values()) {
            c.error(e.key(), errors[e.ordinal()]);
            errors[e.ordinal()] = 0;
        }
        c.error("internal_error", internal);
        internal = 0;
    }
}
