package io.flowscope.platform.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real HTTP/2 server that takes {@code Upgrade: h2c} from HTTP/1.1 (Debian's nginx does not): Jetty 12 in the test's
 * JVM on a random loopback port, HTTP/1.1 and h2c on one connector, so a request offering h2c is answered by
 * {@code 101 Switching Protocols} and its response comes on stream 1. Each path of {@link #paths} is answered with its
 * status and a short body; any other path with 404.
 */
public final class JettyH2c implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    private JettyH2c(Map<String, Integer> paths) throws Exception {
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendDateHeader(false); // the same headers every run: HPACK sizes stay the same
        connector = new ServerConnector(server, new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                int status = paths.getOrDefault(path, 404);
                response.setStatus(status);
                response.getHeaders().put("content-type", "text/plain");
                response.write(true, ByteBuffer.wrap((status + " " + path + "\n").getBytes(StandardCharsets.US_ASCII)),
                        callback);
                return true;
            }
        });
        server.start();
    }

    public static JettyH2c start(Map<String, Integer> paths) throws Exception {
        return new JettyH2c(paths);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
