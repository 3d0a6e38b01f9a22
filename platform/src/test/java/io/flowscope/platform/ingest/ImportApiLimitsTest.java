package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.testing.CaptureWriter;
import io.flowscope.platform.testing.Http;
import io.flowscope.platform.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/import} under abuse: an upload declared or turning out larger than the limit is
 * refused with 413 without being written anywhere (nothing is spooled), any content type is read as the
 * capture, and what came before an oversize stream is kept like a truncated file.
 */
@SpringBootTest(classes = FlowscopeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImportApiLimitsTest {

    static final Path data = TestServer.dataDir("flowscope-import-limits");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        TestServer.properties(r, data);
        r.add("flowscope.import.max-upload-bytes", () -> "8MB");
    }

    @LocalServerPort
    int port;

    static final Path GOLDEN = Path.of("src/test/resources/captures/nginx-http1.pcap");

    @Test
    void aTwoGigabyteUploadIsRefusedBeforeItIsRead() throws Exception {
        long before = diskUse();
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/import?name=huge.pcap HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 2147483648\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]);
            out.flush();
            String response = head(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413").contains("larger than the 8 MiB allowed");
        }
        assertThat(diskUse() - before).as("bytes written by the refused upload").isLessThan(1 << 20);
    }

    @Test
    void aTwoGigabyteChunkedUploadStopsAtTheLimitAndKeepsWhatCameBefore() throws Exception {
        long before = diskUse();
        byte[] big = io.flowscope.platform.testing.Frames.ethernet(io.flowscope.platform.testing.Frames.tcp4(
                io.flowscope.platform.testing.Frames.v4("10.9.0.1"), 40000, io.flowscope.platform.testing.Frames.v4("10.9.0.2"),
                80, 1, 1, io.flowscope.platform.testing.Frames.ACK, 1000, new byte[60_000]));
        AtomicLong sent = new AtomicLong();
        String response;
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    out.write(("POST /api/v1/import?name=endless.pcap HTTP/1.1\r\nHost: x\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    chunk(out, CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535).bytes());
                    byte[] record = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535)
                            .packet(1_700_000_000_000_000L, big, big.length, 0).bytes();
                    byte[] packet = java.util.Arrays.copyOfRange(record, 24, record.length);
                    while (sent.get() < (2L << 30)) {
                        chunk(out, packet);
                        sent.addAndGet(packet.length);
                    }
                } catch (java.io.IOException e) {
                    // the server closed the connection after its answer: what a client sees past the limit
                }
            });
            writer.start();
            response = head(s.getInputStream());
            s.close();
            writer.join(10_000);
        }
        assertThat(response).startsWith("HTTP/1.1 413");
        JsonNode summary = tools.jackson.databind.json.JsonMapper.builder().build().readTree(response.substring(response.indexOf("{")));
        assertThat(summary.get("errors").get("upload_too_large").asLong()).isEqualTo(1);
        assertThat(summary.get("packets").asLong()).isBetween(100L, 140L);
        assertThat(summary.get("fault").asString()).contains("larger than the 8388608 bytes allowed");
        assertThat(sent.get()).as("bytes the client got to send").isLessThan(64L << 20);
        assertThat(diskUse() - before).as("bytes written").isLessThan(16L << 20);
        JsonNode flows = new Http(port).get("/api/v1/flows?ip=10.9.0.1").json();
        assertThat(flows.get("count").asInt()).isEqualTo(1);
    }

    @Test
    void countsReachTheMetricsWhileALongUploadStillRuns() throws Exception {
        Http http = new Http(port);
        double before = packetsRead(http);
        byte[] frame = io.flowscope.platform.testing.Frames.ethernet(io.flowscope.platform.testing.Frames.udp4(
                io.flowscope.platform.testing.Frames.v4("10.6.0.1"), 5000, io.flowscope.platform.testing.Frames.v4("10.6.0.2"),
                5001, new byte[20]));
        byte[] record = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535)
                .packet(1_700_000_000_000_000L, frame, frame.length, 0).bytes();
        byte[] packet = java.util.Arrays.copyOfRange(record, 24, record.length);
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/import?name=slow.pcap HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            chunk(out, CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535).bytes());
            for (int i = 0; i < 3000; i++) {
                chunk(out, packet);
            }
            out.flush();
            Thread.sleep(1200);
            for (int i = 0; i < 2000; i++) {
                chunk(out, packet);
            }
            out.flush();
            // the upload is still open; what was read so far is already in the metrics
            long deadline = System.currentTimeMillis() + 5_000;
            while (packetsRead(http) - before < 3072 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(packetsRead(http) - before).isGreaterThanOrEqualTo(3072);
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(head(s.getInputStream())).startsWith("HTTP/1.1 200");
        }
        assertThat(packetsRead(http) - before).isEqualTo(5000);
    }

    private static double packetsRead(Http http) throws Exception {
        for (String line : http.get("/actuator/prometheus").body().split("\n")) {
            if (line.startsWith("flowscope_packets_read_total ")) {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void anyContentTypeIsReadAsTheCaptureAndNothingIsSpooled() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long spooledBefore = spooled(tmp);
        Http http = new Http(port);
        for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x",
            "application/octet-stream", "nonsense"}) {
            Http.Response r = http.post("/api/v1/import?name=golden&x=1", type, GOLDEN);
            assertThat(r.status()).as(type + " → " + r.body()).isEqualTo(200);
            assertThat(r.json().get("requests").get("http1").asLong()).as(type).isEqualTo(17);
            assertThat(r.json().get("file").asString()).isEqualTo("golden");
        }
        assertThat(spooled(tmp)).isEqualTo(spooledBefore);
    }

    @Test
    void captureTimesOutsideTheRangeAreCountedNotStored() throws Exception {
        byte[] frame = io.flowscope.platform.testing.Frames.ethernet(io.flowscope.platform.testing.Frames.tcp4(
                io.flowscope.platform.testing.Frames.v4("10.8.0.1"), 40000, io.flowscope.platform.testing.Frames.v4("10.8.0.2"),
                80, 1, 1, io.flowscope.platform.testing.Frames.ACK, 1000, new byte[10]));
        Path f = CaptureWriter.pcapng(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, Long.MAX_VALUE).iface(1, 0, -1, -Long.MAX_VALUE)
                .packet(1_000_000, frame, frame.length, 0).packet(1_000_000, frame, frame.length, 1)
                .write(Files.createTempFile(data, "times", ".pcapng"));
        Http.Response r = new Http(port).postFile("/api/v1/import?name=times.pcapng", f);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("errors").get("bad_timestamp").asLong()).isEqualTo(2);
        assertThat(new Http(port).get("/api/v1/flows?ip=10.8.0.1").json().get("count").asInt()).isZero();
    }

    private static void chunk(OutputStream out, byte[] b) throws java.io.IOException {
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** The response's status line, headers and (small) body, read until the body's declared length. */
    private static String head(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            int end = sb.indexOf("\r\n\r\n");
            if (end >= 0) {
                String headers = sb.substring(0, end).toLowerCase(java.util.Locale.ROOT);
                int cl = headers.indexOf("content-length:");
                if (cl >= 0) {
                    int len = Integer.parseInt(headers.substring(cl + 15).split("\r\n")[0].trim());
                    sb.append(new String(in.readNBytes(len), StandardCharsets.UTF_8));
                } else if (headers.contains("transfer-encoding: chunked")) {
                    sb.append(dechunk(in));
                }
                return sb.toString();
            }
        }
        return sb.toString();
    }

    private static String dechunk(InputStream in) throws java.io.IOException {
        StringBuilder body = new StringBuilder();
        while (true) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            int n = Integer.parseInt(line.toString().trim().split(";")[0], 16);
            if (n == 0) {
                return body.toString();
            }
            body.append(new String(in.readNBytes(n), StandardCharsets.UTF_8));
            in.readNBytes(2);
        }
    }

    /** Bytes used under the data directory and the temporary directory. */
    private static long diskUse() throws java.io.IOException {
        return size(data) + size(Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static long size(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (java.io.UncheckedIOException e) {
            return 0; // a file vanished while walking
        }
    }

    private static long spooled(Path tmp) throws java.io.IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("flowscope-import-")).count();
        }
    }
}
