package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The DNS cases of the capture tests, asked of {@link Dnsmasq} by dig: A, AAAA, a CNAME, NXDOMAIN and SERVFAIL,
 * once over UDP (one dig, a socket per query) and once over TCP (one dig, one connection for all: {@code +keepopen}).
 * One try each and a long timeout, so each is asked exactly once.
 */
public final class DnsTraffic {

    /** name, type, rcode, answers as response_result holds them (null: none). */
    public record Case(String name, String type, int rcode, String result) {
    }

    public static final List<Case> CASES = List.of(
            new Case("a.test", "A", 0, "10.1.2.3"),
            new Case("h.test", "AAAA", 0, "fd00::7"),
            new Case("c.test", "A", 0, "h.test;10.0.0.7"),
            new Case("nope.test", "A", 3, null),
            new Case("x.fail.example", "A", 2, null));

    private DnsTraffic() {
    }

    /** Runs dig for every case over UDP, then over TCP; returns dig's output. */
    public static String drive(int port, Path dir) throws IOException, InterruptedException {
        return dig(port, dir, false) + dig(port, dir, true);
    }

    public static String dig(int port, Path dir, boolean tcp) throws IOException, InterruptedException {
        return Processes.run(dir, command(port, tcp));
    }

    /** dig's command line for every case, over UDP or over TCP. */
    public static List<String> command(int port, boolean tcp) {
        List<String> cmd = new ArrayList<>(List.of(PrivilegedCondition.which("dig"), "@127.0.0.1", "-p",
                String.valueOf(port), "+tries=1", "+time=10"));
        if (tcp) {
            cmd.addAll(List.of("+tcp", "+keepopen"));
        }
        for (Case c : CASES) {
            cmd.add(c.name());
            cmd.add(c.type());
        }
        return cmd;
    }
}
