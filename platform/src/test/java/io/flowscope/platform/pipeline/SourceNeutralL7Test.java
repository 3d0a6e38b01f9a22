package io.flowscope.platform.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.capture.CaptureFileReader;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.PipelineRun;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two entry points of a pipeline end in the same L7 rows: the recorded HTTP/1 sessions of the golden
 * nginx capture, fed once as frames and once as the socket chunks an eBPF collector would hand over (with
 * nginx's pid and name on the server side), give the same l7_flow_log rows in every column but the ids;
 * the second set says it came from eBPF and names the process.
 */
class SourceNeutralL7Test {

    static final Path CAPTURE = Path.of("src/test/resources/captures/nginx-http1.pcap");
    /** Columns that differ by design between the two sources. */
    static final String SOURCE_COLUMNS = "_id, flow_id, signal_source, process_id_0, process_id_1, process_kname_0, "
            + "process_kname_1, syscall_thread_0, syscall_thread_1";

    @TempDir
    Path dir;

    @Test
    void framesAndSocketChunksOfTheSameSessionsGiveTheSameRequestRows() throws Exception {
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore packets = DuckDbStore.open(dir.resolve("packets"));
             DuckDbStore sockets = DuckDbStore.open(dir.resolve("sockets"))) {
            try (Pipeline p = pipeline(plugins, packets)) {
                CaptureFileReader.read(CAPTURE, p.frames(), null);
            }
            try (Pipeline p = pipeline(plugins, sockets)) {
                new PipelineRun(p).socketChunks(CAPTURE, 1, 812, "nginx");
            }
            List<String> fromPackets = rows(packets, "SELECT * EXCLUDE (" + SOURCE_COLUMNS + ") FROM flow_log.l7_flow_log ORDER BY ALL");
            List<String> fromSockets = rows(sockets, "SELECT * EXCLUDE (" + SOURCE_COLUMNS + ") FROM flow_log.l7_flow_log ORDER BY ALL");
            assertThat(fromPackets).hasSize(17);
            assertThat(fromSockets).containsExactlyElementsOf(fromPackets);

            assertThat(rows(packets, "SELECT DISTINCT signal_source, process_id_1, process_kname_1 FROM flow_log.l7_flow_log"))
                    .containsExactly("0|null|null");
            assertThat(rows(sockets, "SELECT DISTINCT signal_source, process_id_0, process_id_1, process_kname_1, "
                    + "syscall_thread_1 FROM flow_log.l7_flow_log")).containsExactly("3|null|812|nginx|812");
            // one row id per connection, as for packets: the 12 TCP connections
            assertThat(rows(sockets, "SELECT count(DISTINCT flow_id) FROM flow_log.l7_flow_log"))
                    .isEqualTo(rows(packets, "SELECT count(DISTINCT flow_id) FROM flow_log.l7_flow_log"));
            assertThat(rows(sockets, "SELECT count(*) FROM flow_log.l4_flow_log")).as("sockets make no packet flows")
                    .containsExactly("0");
        }
    }

    static Pipeline pipeline(PluginHost plugins, DuckDbStore store) throws Exception {
        return new Pipeline(PipelineSettings.forFiles(), plugins.protocols(), plugins.serverPortHints(),
                store.newWriter(), store::nextId, "test", null);
    }

    static List<String> rows(DuckDbStore store, String sql) throws Exception {
        return io.flowscope.platform.testing.StoreState.rows(store, sql);
    }
}
