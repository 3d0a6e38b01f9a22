package io.flowscope.platform.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private nginx (Debian's package) on a free loopback port, or in a test's namespace, with a few locations for
 * HTTP/1 (and h2c) cases: /index.html (42 bytes), /big.txt (about 94 KB of text), /echo (200 "ok"), /boom (500), /teapot
 * (418); anything else is 404.
 */
public final class Nginx implements AutoCloseable {

    private final Process process;
    private final int port;

    private Nginx(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** nginx on 127.0.0.1 and a free port. */
    public static Nginx start(Path dir) throws IOException, InterruptedException {
        return start(dir, "127.0.0.1");
    }

    /**
     * nginx listening on {@code listenAddress} (it is started in the calling thread's network namespace, and
     * checked through loopback, so an address of all interfaces suits a namespace the test entered).
     */
    public static Nginx start(Path dir, String listenAddress) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return launch(dir, List.of(PrivilegedCondition.which("nginx")), listenAddress, new int[] {port}, "", () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /**
     * nginx in the server namespace of {@code n}, on its address and each of {@code ports} (the namespace is
     * the test's own: any port is free there). Readiness is asked from inside that namespace, over its
     * loopback, so nothing crosses the veth the tests capture before they start.
     */
    public static Nginx startIn(BridgedNamespaces n, Path dir, int... ports) throws IOException, InterruptedException {
        String url = "http://" + BridgedNamespaces.SERVER_ADDRESS + ":" + ports[0] + "/echo";
        return launch(dir, n.in(n.server(), "nginx"), BridgedNamespaces.SERVER_ADDRESS, ports, "", () -> {
            try {
                n.run(n.server(), "curl", "-s", "-o", "/dev/null", "--max-time", "1", url);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /**
     * nginx on 127.0.0.1 and a free port speaking HTTP/2 in clear text (h2c) by prior knowledge only, the same
     * locations as over HTTP/1. Debian 12's nginx (1.22) does not take an {@code Upgrade: h2c}: on this port an
     * HTTP/1.1 request is refused.
     */
    public static Nginx startHttp2(Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return launch(dir, List.of(PrivilegedCondition.which("nginx")), "127.0.0.1", new int[] {port}, " http2", () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    private interface Ready {
        boolean check() throws InterruptedException;
    }

    /** Runs {@code nginx} (the program, maybe behind ip netns exec) listening on {@code address} and the ports. */
    private static Nginx launch(Path dir, List<String> nginx, String address, int[] ports, String listenOptions, Ready ready)
            throws IOException, InterruptedException {
        StringBuilder listen = new StringBuilder();
        for (int p : ports) {
            listen.append(listen.isEmpty() ? "" : "\n    ").append("listen ").append(address).append(':').append(p).append(listenOptions).append(';');
        }
        Path html = Files.createDirectories(dir.resolve("html"));
        Files.writeString(html.resolve("index.html"), "<html><body>hello flowscope</body></html>\n");
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            big.append("line ").append(i).append(" of a text that gzip compresses well\n");
        }
        Files.writeString(html.resolve("big.txt"), big.toString());
        Files.createDirectories(dir.resolve("logs"));
        String conf = """
                worker_processes 1;
                daemon off;
                user root;
                error_log %1$s/logs/error.log;
                pid %1$s/nginx.pid;
                events { worker_connections 256; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  gzip on;
                  gzip_types text/plain;
                  gzip_min_length 0;
                  gzip_http_version 1.0;
                  if_modified_since before;
                  server {
                    %2$s
                    root %1$s/html;
                    location /boom { return 500; }
                    location /echo { return 200 "ok\\n"; }
                    location /teapot { return 418; }
                  }
                }
                """.formatted(dir.toAbsolutePath(), listen);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        List<String> cmd = new ArrayList<>(nginx);
        cmd.addAll(List.of("-c", confFile.toString(), "-p", dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        Nginx n = new Nginx(p, ports[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (ready.check()) {
                return n;
            }
            if (!p.isAlive()) {
                throw new IOException("nginx exited: " + Files.readString(dir.resolve("nginx.out")));
            }
            Thread.sleep(50);
        }
        n.close();
        throw new IOException("nginx did not start listening on " + address + ":" + ports[0]);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
