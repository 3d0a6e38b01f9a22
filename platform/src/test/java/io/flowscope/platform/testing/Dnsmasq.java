package io.flowscope.platform.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private dnsmasq (Debian's dnsmasq-base, never the system service) on 127.0.0.1 and a free port, run in the
 * foreground as the test's own process, answering from its command line only ({@code --no-resolv --no-hosts}):
 * <ul>
 *   <li>{@code a.test} A 10.1.2.3 ({@code --address}); {@code h.test} A 10.0.0.7 and AAAA fd00::7
 *       ({@code --host-record}); {@code c.test} CNAME h.test ({@code --cname});</li>
 *   <li>any other name under {@code test} NXDOMAIN ({@code --local=/test/});</li>
 *   <li>{@code x.fail.example} SERVFAIL: it is forwarded to a second dnsmasq that answers it unsigned, and this one
 *       validates DNSSEC from the root's trust anchor, so the answer is bogus. (Forwarding to a port nobody
 *       listens on gives no answer at all: dnsmasq's upstream socket is unconnected, it never hears the ICMP error,
 *       and the client times out.)</li>
 * </ul>
 */
public final class Dnsmasq implements AutoCloseable {

    public static final String ROOT_TRUST_ANCHOR = ".,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";

    private final Process front;
    private final Process upstream;
    private final int port;

    private Dnsmasq(Process front, Process upstream, int port) {
        this.front = front;
        this.upstream = upstream;
        this.port = port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return front.pid();
    }

    public static Dnsmasq start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int up = freePort();
        Process upstream = launch(dir, "upstream", up, List.of("--address=/fail.example/10.9.9.9"));
        int port = freePort();
        Process front;
        try {
            front = launch(dir, "front", port, List.of("--local=/test/", "--address=/a.test/10.1.2.3",
                    "--host-record=h.test,10.0.0.7,fd00::7", "--cname=c.test,h.test", "--server=127.0.0.1#" + up,
                    "--dnssec", "--dnssec-check-unsigned", "--trust-anchor=" + ROOT_TRUST_ANCHOR));
        } catch (IOException e) {
            stop(upstream);
            throw e;
        }
        return new Dnsmasq(front, upstream, port);
    }

    /** A port free for both UDP and TCP on loopback (dnsmasq listens on both). */
    private static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                p = s.getLocalPort();
            }
            try (DatagramSocket d = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port for both UDP and TCP");
    }

    private static Process launch(Path dir, String name, int port, List<String> records) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PrivilegedCondition.which("dnsmasq"), "--keep-in-foreground",
                "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--listen-address=127.0.0.1", "--bind-interfaces",
                "--port=" + port, "--user=root", "--pid-file=" + dir.resolve(name + ".pid"), "--log-queries",
                "--log-facility=-"));
        cmd.addAll(records);
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            // it listens once it logs its start; a TCP connect proves it
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                return p;
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IOException("dnsmasq exited: " + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }
        stop(p);
        throw new IOException("dnsmasq did not start listening on 127.0.0.1:" + port + ": " + Files.readString(log));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(front);
        stop(upstream);
    }
}
