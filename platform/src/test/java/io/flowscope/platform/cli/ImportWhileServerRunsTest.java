package io.flowscope.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.store.ServerMarker;
import io.flowscope.platform.testing.Cli;
import io.flowscope.platform.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code flowscope import --data-dir D} while a server owns D: it goes through the server (the server
 * left its URL in D); without that marker it refuses with a clear message instead of touching the file.
 */
@SpringBootTest(classes = FlowscopeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImportWhileServerRunsTest {

    static final Path data;

    static {
        try {
            data = Files.createTempDirectory("flowscope-owned");
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("flowscope.data-dir", data::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void importGoesThroughTheServerOrRefuses() throws Exception {
        Path capture = Path.of("src/test/resources/captures/nginx-http1.pcap").toAbsolutePath();
        assertThat(ServerMarker.read(data)).contains("http://127.0.0.1:" + port);

        Cli.Result via = Cli.run(data, "import", "--data-dir", data.toString(), "--json", capture.toString());
        assertThat(via.exit()).as(via.err()).isZero();
        assertThat(via.err()).contains("importing through it at http://127.0.0.1:" + port);
        assertThat(via.out()).contains("\"http1\" : 17");
        assertThat(new Http(port).get("/api/v1/requests?limit=100").json().get("count").asInt()).isEqualTo(17);

        Files.delete(data.resolve(ServerMarker.FILE));
        Cli.Result refused = Cli.run(data, "import", "--data-dir", data.toString(), capture.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("in use by another Flowscope process", "--server");
        assertThat(refused.err()).doesNotContain("\tat ");
        // the server's data is untouched and it still answers
        assertThat(new Http(port).get("/api/v1/requests?limit=100").json().get("count").asInt()).isEqualTo(17);

        Cli.Result explicit = Cli.run(data, "import", "--server", "http://127.0.0.1:" + port, capture.toString());
        assertThat(explicit.exit()).as(explicit.err()).isZero();
        assertThat(explicit.out()).contains("requests  http1 17");
    }
}
