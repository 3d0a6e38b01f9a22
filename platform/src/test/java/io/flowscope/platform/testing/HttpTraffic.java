package io.flowscope.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real HTTP/1 traffic against nginx: curl for keep-alive, chunked bodies both ways, Expect: 100-continue,
 * HEAD, 304, HTTP/1.0 with a body that ends at close, 4xx and 5xx; a raw socket for pipelining and for
 * reusing a 4-tuple after a close.
 */
public final class HttpTraffic {

    private HttpTraffic() {
    }

    public static void drive(int port, Path dir) throws IOException, InterruptedException {
        drive("127.0.0.1", "127.0.0.1", port, dir);
    }

    /** The same traffic from the client address {@code client} to nginx at {@code server}. */
    public static void drive(String client, String server, int port, Path dir) throws IOException, InterruptedException {
        String base = "http://" + server + ":" + port;
        String curl = PrivilegedCondition.which("curl");
        Path body = dir.resolve("body.bin");
        Files.write(body, new byte[3000]);
        // keep-alive: five requests on one connection, 200, 404, 500, 418 and a gzip (chunked) response
        run(dir, curl, "-s", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                "--compressed", base + "/", base + "/missing", base + "/boom", base + "/teapot", base + "/big.txt");
        // chunked request body
        run(dir, curl, "-s", "-o", "/dev/null", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + body, base + "/echo");
        // Expect: 100-continue (nginx answers 100 Continue, then the final response)
        run(dir, curl, "-s", "-o", "/dev/null", "-H", "Expect: 100-continue", "--data-binary", "@" + body, base + "/echo");
        // POST to a static file: 405
        run(dir, curl, "-s", "-o", "/dev/null", "--data-binary", "x=1", base + "/index.html");
        // HEAD, and a conditional GET answered 304
        run(dir, curl, "-s", "-o", "/dev/null", "-I", base + "/index.html");
        run(dir, curl, "-s", "-o", "/dev/null", "-H", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT", base + "/index.html");
        // HTTP/1.0 with gzip: no length, no chunking, the body ends when nginx closes
        run(dir, curl, "-s", "-o", "/dev/null", "-0", "--compressed", base + "/big.txt");
        // a trace context header
        run(dir, curl, "-s", "-o", "/dev/null", "-H", "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                base + "/echo");
        pipelined(server, port);
        // the same 4-tuple twice: a new connection after a close is a new flow (and a new tshark conversation)
        for (int i = 0; i < 2; i++) {
            oneShotFromFixedPort(client, server, port, 47000 + (int) (ProcessHandle.current().pid() % 1000));
        }
    }

    /** Three requests written at once; the last asks nginx to close, so reading to the end gets all answers. */
    private static void pipelined(String server, int port) throws IOException {
        try (Socket s = new Socket(server, port)) {
            String reqs = "GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /missing-too HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(reqs.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            drain(s.getInputStream());
        }
    }

    private static void oneShotFromFixedPort(String client, String server, int port, int localPort) throws IOException {
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(client, localPort));
            s.connect(new InetSocketAddress(server, port));
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            drain(s.getInputStream());
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        while (in.read(buf) >= 0) {
            // until nginx closes
        }
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Processes.run(dir, List.of(cmd));
    }
}
