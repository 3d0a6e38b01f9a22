package io.flowscope.platform.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.testing.Http;
import io.flowscope.platform.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * 200 heavy SQL queries at once: two run, a few wait, the rest are told 429 straight away; health answers
 * within a second throughout, and the process stays within the memory bound of docs/security.md.
 */
@SpringBootTest(classes = FlowscopeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SqlConcurrencyTest {

    static final long MEMORY_LIMIT = 1L << 30;
    static final long MAX_VECTOR = 256L << 20;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws Exception {
        TestServer.properties(r, TestServer.dataDir("flowscope-sql-load"));
        r.add("flowscope.store.memory-limit", () -> "1GB");
    }

    @LocalServerPort
    int port;

    @Test
    void healthAnswersWithinASecondUnderTwoHundredConcurrentHeavyQueries() throws Exception {
        HttpClient client = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(64)).build();
        String base = "http://127.0.0.1:" + port;
        HttpClient healthClient = HttpClient.newHttpClient();
        // a first answer before the storm: the first call of an endpoint pays for class loading, not load
        healthClient.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        long rssBefore = rss();
        List<String> heavy = List.of(
                "SELECT count(*), sum(length(x::VARCHAR)) FROM range(400000000) t(x)",
                "SELECT x % 1000003 AS k, count(*) FROM range(50000000) t(x) GROUP BY k ORDER BY 2 DESC LIMIT 5",
                "SELECT max(length(upper(repeat(x::VARCHAR, 200)))) FROM range(20000000) t(x)",
                "SELECT count(*) FROM range(30000) a, range(30000) b WHERE a.range = b.range + 1");
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<HttpResponse<String>>> queries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String body = "{\"sql\": " + Http.quote(heavy.get(i % heavy.size())) + ", \"timeout_seconds\": 4}";
            HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/v1/sql")).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            queries.add(client.sendAsync(r, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, e) ->
                    statuses.computeIfAbsent(resp == null ? -1 : resp.statusCode(), k -> new AtomicLong()).incrementAndGet()));
        }
        List<Long> healthMillis = new CopyOnWriteArrayList<>();
        long peakRss = rssBefore;
        long peakHeap = 0;
        while (!queries.stream().allMatch(CompletableFuture::isDone)) {
            long t0 = System.nanoTime();
            HttpResponse<String> h = healthClient.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            healthMillis.add((System.nanoTime() - t0) / 1_000_000);
            assertThat(h.statusCode()).isEqualTo(200);
            peakRss = Math.max(peakRss, rss());
            peakHeap = Math.max(peakHeap, Runtime.getRuntime().totalMemory());
            Thread.sleep(100);
        }
        for (CompletableFuture<HttpResponse<String>> q : queries) {
            HttpResponse<String> r = q.get();
            assertThat(r.statusCode()).as(r.body()).isIn(200, 400, 429);
            if (r.statusCode() == 400) {
                assertThat(r.body()).contains("longer than 4 s");
            }
            if (r.statusCode() == 429) {
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            }
        }
        Map<Integer, Long> counts = statuses.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
        assertThat(counts.getOrDefault(429, 0L)).as(counts.toString()).isGreaterThan(150);
        assertThat(counts.getOrDefault(200, 0L) + counts.getOrDefault(400, 0L)).as(counts.toString()).isGreaterThanOrEqualTo(2);
        System.out.println("SqlConcurrencyTest: statuses " + counts + ", health max "
                + healthMillis.stream().mapToLong(Long::longValue).max().orElse(-1) + " ms over " + healthMillis.size()
                + " checks " + healthMillis + ", peak RSS " + (peakRss >> 20) + " MiB (before " + (rssBefore >> 20) + " MiB, heap " + (peakHeap >> 20) + " MiB)");
        assertThat(healthMillis).as("health answer times (ms)").isNotEmpty().allSatisfy(ms -> assertThat(ms).isLessThan(1000));
        // docs/security.md: heap + DuckDB's memory_limit + concurrent queries × threads × max-vector-bytes + fixed overhead
        long bound = peakHeap + MEMORY_LIMIT + 2 * 2 * MAX_VECTOR + (768L << 20);
        assertThat(peakRss).as("peak resident bytes (before: %d, heap %d)", rssBefore, peakHeap).isLessThan(bound);
    }

    static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }
}
