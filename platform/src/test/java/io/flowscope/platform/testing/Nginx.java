package io.flowscope.platform.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A private nginx (Debian's package) on a free loopback port, with a few locations for HTTP/1 cases. */
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
                    listen %3$s:%2$d;
                    root %1$s/html;
                    location /boom { return 500; }
                    location /echo { return 200 "ok\\n"; }
                    location /teapot { return 418; }
                  }
                }
                """.formatted(dir.toAbsolutePath(), port, listenAddress);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(PrivilegedCondition.which("nginx"), "-c", confFile.toString(), "-p", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        Nginx n = new Nginx(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return n;
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IOException("nginx exited: " + Files.readString(dir.resolve("nginx.out")));
                }
                Thread.sleep(50);
            }
        }
        n.close();
        throw new IOException("nginx did not start listening on " + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
