package io.flowscope.platform.ingest;

import io.flowscope.platform.capture.CaptureFileReader;
import io.flowscope.platform.capture.CaptureFormatException;
import io.flowscope.platform.capture.FrameSink;
import io.flowscope.platform.flow.FlowGenerator;
import io.flowscope.platform.budget.ByteBudget;
import io.flowscope.platform.l7.L7Pipeline;
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.packet.DecodeError;
import io.flowscope.platform.packet.MetaPacket;
import io.flowscope.platform.packet.PacketDecoder;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.store.AsyncFlowLogWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports capture files: reader → decoder → FlowGenerator → L7 pipeline on the calling thread, the
 * store's appenders on a writer thread ({@link AsyncFlowLogWriter}). Each file is a pipeline of its
 * own (flows do not continue across files) and is
 * committed when it ends, including what was read before a fault in the file.
 */
public final class CaptureImporter {

    private static final Logger log = LoggerFactory.getLogger(CaptureImporter.class);

    /** Bound of the flow table while importing. */
    public static final int MAX_FLOWS = 2_000_000;

    private final PluginHost plugins;
    private final DuckDbStore store;

    private final long reassemblyBudgetBytes;

    public CaptureImporter(PluginHost plugins, DuckDbStore store) {
        this(plugins, store, FlowGenerator.DEFAULT_REASSEMBLY_BUDGET);
    }

    /** The same, with the bytes all flows of one import may hold out of order together. */
    public CaptureImporter(PluginHost plugins, DuckDbStore store, long reassemblyBudgetBytes) {
        this.plugins = plugins;
        this.store = store;
        this.reassemblyBudgetBytes = reassemblyBudgetBytes;
    }

    /** Result of one file: the summary for people and the raw counters for metrics. */
    public record Result(FileSummary summary, PipelineCounters counters) {
    }

    /**
     * Imports one file. Never throws for bad capture contents: a fault ends the file and is reported in
     * the summary. Throws only when the store cannot be written.
     *
     * @param displayName the name to show for the file (the path given by the user, or an upload's name)
     */
    public Result importFile(Path file, String displayName, LongConsumer progress) throws SQLException, IOException {
        return importFrames(displayName, sink -> CaptureFileReader.read(file, sink, progress), null);
    }

    /**
     * Imports a capture read from a stream (an upload), without spooling it anywhere. Reading past
     * {@code maxBytes} ends it like a truncated file, with the fault {@code upload_too_large}.
     */
    public Result importStream(InputStream in, String displayName, long maxBytes) throws SQLException, IOException {
        return importStream(in, displayName, maxBytes, null);
    }

    /**
     * The same, telling {@code live} what was counted about once a second while the import runs (and the
     * rest when it ends), so a server's metrics move during a long upload.
     */
    public Result importStream(InputStream in, String displayName, long maxBytes, Consumer<PipelineCounters> live)
            throws SQLException, IOException {
        Path name = Path.of(displayName.replace('\0', '_'));
        return importFrames(displayName, sink -> CaptureFileReader.read(in, name, maxBytes, sink, null), live);
    }

    /** Where the frames of one capture come from. */
    private interface FrameSource {
        void readInto(FrameSink sink) throws IOException, CaptureFormatException;
    }

    private Result importFrames(String displayName, FrameSource source, Consumer<PipelineCounters> live)
            throws SQLException, IOException {
        PipelineCounters c = new PipelineCounters();
        String fault = null;
        try (AsyncFlowLogWriter writer = new AsyncFlowLogWriter(store.newWriter())) {
            L7Pipeline l7 = new L7Pipeline(plugins.protocols(), writer, c);
            FlowGenerator flows = new FlowGenerator(l7, store::nextFlowId, plugins.serverPortHints(), MAX_FLOWS,
                    new ByteBudget(reassemblyBudgetBytes));
            Frames frames = new Frames(flows, c, displayName, live);
            try {
                source.readInto(frames);
            } catch (CaptureFormatException e) {
                fault = displayName + ": " + e.where() + "; kept the " + c.packets + " packets before it";
                c.error(e.kind());
            }
            flows.finish();
            frames.foldErrors();
            c.error("flow_table_full", flows.tableFullDrops());
            c.error("reassembly_budget_evictions", flows.reassemblyBudget().evictions());
            c.reassemblyPeakBytes = flows.reassemblyBudget().peak();
            c.error("tcp_hole_timeouts", flows.holeTimeouts());
            c.error("l7_detection_budget", l7.detectionBudget().evictions());
            writer.close();
            c.writeBatches = writer.batches();
            frames.publishRest();
        }
        Map<String, Long> requests = new TreeMap<>(c.requests());
        FileSummary s = new FileSummary(displayName, c.packets, c.bytes,
                FileSummary.flowMap(c.tcpFlows, c.udpFlows, c.otherFlows), requests, new TreeMap<>(c.errors()), fault);
        return new Result(s, c);
    }

    /** The per-frame path: decode into one reused MetaPacket and hand it to the flow generator. */
    private static final class Frames implements FrameSink {
        private final FlowGenerator flows;
        private final PipelineCounters c;
        private final String file;
        private final PacketDecoder decoder = new PacketDecoder();
        private final MetaPacket packet = new MetaPacket();
        private final long[] errors = new long[DecodeError.values().length];
        private long internal;
        private final Consumer<PipelineCounters> live;
        private PipelineCounters published = new PipelineCounters();
        private long lastPublish = System.nanoTime();

        Frames(FlowGenerator flows, PipelineCounters c, String file, Consumer<PipelineCounters> live) {
            this.flows = flows;
            this.c = c;
            this.file = file;
            this.live = live;
        }

        /** About once a second of wall time, what was counted since the last time goes to {@code live}. */
        private void maybePublish() {
            long now = System.nanoTime();
            if (live != null && now - lastPublish >= 1_000_000_000L) {
                lastPublish = now;
                foldErrors();
                PipelineCounters current = c.copy();
                live.accept(current.minus(published));
                published = current;
            }
        }

        /** At the end: what was not published yet. */
        void publishRest() {
            if (live != null) {
                live.accept(c.copy().minus(published));
            }
        }

        @Override
        public void frame(ByteBuffer b, int off, int capLen, int wireLen, long ts, int linkType, int ifId) {
            if ((c.packets & 1023) == 0) {
                maybePublish();
            }
            c.packets++;
            c.bytes += wireLen;
            try {
                int r = decoder.decode(b, off, capLen, wireLen, ts, linkType, ifId, packet);
                if (r == PacketDecoder.OK) {
                    if (decoder.cut()) {
                        errors[DecodeError.SNAPLEN_CUT.ordinal()]++;
                    }
                    flows.packet(packet);
                } else if (r == PacketDecoder.FAILED) {
                    errors[decoder.error().ordinal()]++;
                }
                // NOT_IP (ARP, LLDP …) is neither a flow nor an error
            } catch (RuntimeException e) {
                // a bug of ours on some input: count it, say it once, keep going with the next packet
                if (internal++ == 0) {
                    log.error("{}: packet {} could not be processed; skipping such packets", file, c.packets, e);
                }
            }
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
}
