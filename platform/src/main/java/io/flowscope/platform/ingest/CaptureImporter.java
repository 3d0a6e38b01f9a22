package io.flowscope.platform.ingest;

import io.flowscope.platform.capture.CaptureFileReader;
import io.flowscope.platform.capture.CaptureFormatException;
import io.flowscope.platform.capture.FrameSink;
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.pipeline.Pipeline;
import io.flowscope.platform.pipeline.PipelineSettings;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Imports capture files: each file is one frame source feeding a {@link Pipeline} of its own (flows do
 * not continue across files), driven on the calling thread, with the store's appenders on a writer
 * thread. What was read before a fault in the file is committed.
 */
public final class CaptureImporter {

    private final Pipelines pipelines;
    private final PipelineSettings settings;

    public CaptureImporter(Pipelines pipelines) {
        this(pipelines, pipelines.fileSettings());
    }

    /** The same, with the pipeline's bounds. */
    public CaptureImporter(Pipelines pipelines, PipelineSettings settings) {
        this.pipelines = pipelines;
        this.settings = settings;
    }

    /** For a caller without the host's pipelines (tests, tools): the plugins and the store, no metrics. */
    public CaptureImporter(PluginHost plugins, Store store) {
        this(new Pipelines(plugins, store, null));
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
        String fault = null;
        Pipeline pipeline = pipelines.open(displayName, settings, live);
        PipelineCounters c = pipeline.counters();
        try (pipeline) {
            source.readInto(pipeline.frames());
        } catch (CaptureFormatException e) {
            fault = displayName + ": " + e.where() + "; kept the " + c.packets + " packets before it";
            c.error(e.kind());
        }
        Map<String, Long> requests = new TreeMap<>(c.requests());
        FileSummary s = new FileSummary(displayName, c.packets, c.bytes,
                FileSummary.flowMap(c.tcpFlows, c.udpFlows, c.otherFlows), requests, new TreeMap<>(c.errors()), fault);
        return new Result(s, c);
    }
}
