package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.GrpcCaptureSummary;
import io.flowscope.platform.testing.GrpcPeer;
import io.flowscope.platform.testing.GrpcTraffic;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.StoreState;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC-java's server and client (Netty, h2c; {@link GrpcTraffic}), each in a JVM of its own (the collector never
 * traces its own process, this test's JVM), seen from their syscalls only: the same calls as
 * {@code GrpcCaptureTest} sees in packets — every call by method, every grpc-status, the client's reset of the call
 * past its deadline, the messages each way — each a row with signal_source 3 naming both JVMs.
 */
@Privileged
class SocketTraceGrpcTest {

    @TempDir
    Path dir;

    @Test
    void everyCallIsOneRowWithItsMethodAndGrpcStatusAsThePacketsShowThem() throws Exception {
        try (GrpcPeer server = GrpcPeer.server(dir.resolve("server"));
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            int calls = GrpcTraffic.expectedPaths().values().stream().mapToInt(Integer::intValue).sum();
            long clientPid;
            try (SocketTraceCollector c = SocketTraceCollector.start(new Pipelines(plugins, store, null),
                    SocketTraceObjects.bytes(), new SocketTraceCollector.Settings(1024, List.of(), List.of(), List.of(),
                            List.of(server.port()), false))) {
                assertThat(c.attachments()).allMatch(BpfObject.Attachment::attached);
                clientPid = GrpcPeer.drive(server.port(), 0, dir.resolve("client"));
                waitForCalls(store, calls);
                assertThat(c.lostEvents()).isZero();
                assertThat(c.failure()).isNull();
            }
            int ok = GrpcTraffic.UNARY_OK + GrpcTraffic.SERVER_STREAMS + GrpcTraffic.CLIENT_STREAMS;
            GrpcCaptureSummary expected = new GrpcCaptureSummary(GrpcTraffic.expectedPaths(),
                    Map.of(0, ok, 5, GrpcTraffic.UNARY_NOT_FOUND), Map.of("CANCEL", GrpcTraffic.SLOW),
                    GrpcTraffic.expectedRequestMessages(), GrpcTraffic.expectedResponseMessages());
            try (Connection c = store.connection()) {
                assertThat(GrpcCaptureSummary.flowscope(c)).isEqualTo(expected);
            }
            // one row per call, from the syscalls, with both JVMs; nothing unknown, nothing else
            assertThat(StoreState.rows(store, "SELECT signal_source, l7_protocol_str, type, process_kname_0, process_kname_1,"
                    + " process_id_0 = " + clientPid + ", process_id_1 = " + server.pid() + ","
                    + " json_extract_string(attributes, '$.hpack_unknown_fields') IS NULL, count(*)"
                    + " FROM flow_log.l7_flow_log GROUP BY ALL"))
                    .containsExactly("3|grpc|2|java|java|true|true|true|" + calls);
            assertThat(StoreState.rows(store, "SELECT response_status, response_code, response_exception, count(*)"
                    + " FROM flow_log.l7_flow_log GROUP BY ALL ORDER BY ALL"))
                    .containsExactly("0|0|null|" + ok, "4|5|no item missing|" + GrpcTraffic.UNARY_NOT_FOUND,
                            "4|null|CANCEL|" + GrpcTraffic.SLOW);
        }
    }

    /**
     * Netty writes a call's frames in one syscall (writev): with messages larger than the captured payload
     * ({@code payload-bytes}, 1024 by default) each such write is cut, and the rest of it is a gap of known length.
     * A gap inside a DATA frame keeps the frames and the HPACK table in step (the request side here: every call
     * keeps its method and authority); one that runs past the frame loses the frames after it — the response's
     * trailers, in the same write — so that call's status is unknown (its END_STREAM was lost too: it is emitted
     * at the close), and since the server's table is lost with them, so is every later call's on the connection
     * (gRPC-java refers to grpc-status through the table): unknown, never a guessed OK. With payload-bytes 8192 the
     * same calls are whole.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "payload bytes {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1024, 8192})
    void messagesLargerThanTheCapturedPayloadAreCountedAndLeaveStatusesUnknownNotGuessed(int payloadBytes) throws Exception {
        try (GrpcPeer server = GrpcPeer.server(dir.resolve("server"));
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            int calls = GrpcTraffic.LARGE_CALLS + GrpcTraffic.AFTER_LARGE_OK + GrpcTraffic.AFTER_LARGE_NOT_FOUND;
            try (SocketTraceCollector c = SocketTraceCollector.start(new Pipelines(plugins, store, null),
                    SocketTraceObjects.bytes(), new SocketTraceCollector.Settings(payloadBytes, List.of(), List.of(), List.of(),
                            List.of(server.port()), false))) {
                GrpcPeer.drive(server.port(), LARGE_ITEM, dir.resolve("client"));
                waitForCalls(store, calls);
                assertThat(c.lostEvents()).isZero();
                assertThat(c.failure()).isNull();
            }
            List<String> rows = StoreState.rows(store, "SELECT request_resource, request_domain IS NOT NULL, response_status,"
                    + " response_code, json_extract_string(attributes, '$.grpc_request_messages'),"
                    + " json_extract_string(attributes, '$.grpc_response_messages'), request_length > " + LARGE_ITEM
                    + " FROM flow_log.l7_flow_log ORDER BY start_time");
            String get = "/" + GrpcTraffic.SERVICE + "/GetItem|true|";
            if (payloadBytes < LARGE_ITEM) {
                assertThat(rows).containsExactly(
                        get + "5|null|1|null|true", get + "5|null|1|null|true", // trailers and END_STREAM lost
                        // grpc-status (and the response's content-type, so its messages) behind the lost table
                        get + "5|null|1|null|false", get + "5|null|1|null|false",
                        get + "5|null|1|0|false"); // NOT_FOUND on the wire, trailers-only: no DATA, but no status
            } else {
                assertThat(rows).containsExactly(get + "0|0|1|1|true", get + "0|0|1|1|true",
                        get + "0|0|1|1|false", get + "0|0|1|1|false", get + "4|5|1|0|false");
            }
        }
    }

    /** Bytes of the item the large calls send (the answer is 5 bytes longer). */
    private static final int LARGE_ITEM = 4000;

    static void waitForCalls(DuckDbStore store, int calls) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end && count(store) < calls) {
            Thread.sleep(200);
        }
    }

    private static long count(DuckDbStore store) throws Exception {
        return Long.parseLong(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log").get(0));
    }
}
