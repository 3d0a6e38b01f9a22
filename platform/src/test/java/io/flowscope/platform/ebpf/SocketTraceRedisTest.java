package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Redis;
import io.flowscope.platform.testing.RedisTraffic;
import io.flowscope.platform.testing.StoreState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * redis-server (Debian's) on loopback driven by redis-benchmark (-n 10000 -t set,get -P 16), seen from their
 * syscalls only: the same 20,000 SET and GET requests as the capture shows, each a row with signal_source 3 paired
 * with its reply, redis-benchmark's name on the client side and redis-server's on the server side.
 */
@Privileged(programs = {"redis-server", "redis-benchmark"})
class SocketTraceRedisTest {

    @TempDir
    Path dir;

    @Test
    void redisBenchmarkIsTwentyThousandRequestsWithBothProcesses() throws Exception {
        try (Redis redis = Redis.start(dir.resolve("l7-redis-server"));
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            int expected = 2 * RedisTraffic.BENCHMARK_REQUESTS;
            try (SocketTraceCollector c = SocketTraceCollector.start(new Pipelines(plugins, store, null),
                    SocketTraceObjects.bytes(), new SocketTraceCollector.Settings(1024, List.of(), List.of(), List.of(),
                            List.of(redis.port()), false))) {
                assertThat(c.attachments()).allMatch(BpfObject.Attachment::attached);
                RedisTraffic.benchmark(redis.port(), dir);
                long end = System.nanoTime() + 20_000_000_000L;
                while (System.nanoTime() < end && count(store) < expected) {
                    Thread.sleep(200);
                }
                assertThat(c.lostEvents()).isZero();
                assertThat(c.failure()).isNull();
            }
            assertThat(StoreState.rows(store, "SELECT signal_source, l7_protocol, type, request_type, request_resource,"
                    + " response_status, process_kname_0, process_kname_1, process_id_1 = " + redis.pid() + ", count(*)"
                    + " FROM flow_log.l7_flow_log WHERE request_type IN ('SET', 'GET') GROUP BY ALL ORDER BY ALL"))
                    .containsExactly(
                            "3|80|2|GET|GET key:__rand_int__|0|redis-benchmark|redis-server|true|" + RedisTraffic.BENCHMARK_REQUESTS,
                            "3|80|2|SET|SET key:__rand_int__ ?|0|redis-benchmark|redis-server|true|" + RedisTraffic.BENCHMARK_REQUESTS);
            // nothing else but redis-benchmark's CONFIG GETs (made on a first connection it closes at once)
            assertThat(StoreState.rows(store, "SELECT coalesce(request_resource, 'lone ' || type) FROM flow_log.l7_flow_log"
                    + " WHERE request_type IS NULL OR request_type NOT IN ('SET', 'GET')"))
                    .isSubsetOf("CONFIG GET appendonly", "CONFIG GET save");
        }
    }

    private static long count(DuckDbStore store) throws Exception {
        return Long.parseLong(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log WHERE request_type IN ('SET', 'GET')").get(0));
    }
}
