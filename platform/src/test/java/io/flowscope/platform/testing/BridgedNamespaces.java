package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two network namespaces made for one test, a client and a server, each with one end of a veth pair; the
 * other ends are ports of a bridge in the root namespace, so the two namespaces share one Ethernet segment
 * (10.77.0.1/24 and 10.77.0.2/24). The root-namespace end of the client's veth, {@link #tap()}, carries every
 * frame between them exactly once, and the test process (in the root namespace, where its AF_PACKET sockets
 * capture) and tcpdump capture there.
 *
 * <p>Why this shape: an AF_PACKET socket captures in the namespace of the thread that opens it, and the test
 * JVM lives in the root namespace; a veth pair directly between the two namespaces would leave nothing to
 * capture from here. The bridge keeps both peers in namespaces of their own, as two containers are, with no
 * routing or sysctl change in the root namespace. IPv6 is off on every link the test makes, so the segment
 * carries only the test's traffic (and ARP).
 *
 * <p>Names carry a random suffix (several engineers' test runs share this machine); {@link #close()} deletes
 * the namespaces (which takes their veth ends, and so the peers, with them) and the bridge.
 */
public final class BridgedNamespaces implements AutoCloseable {

    public static final String CLIENT_ADDRESS = "10.77.0.1";
    public static final String SERVER_ADDRESS = "10.77.0.2";

    private final Path dir;
    private final String suffix;
    private final List<String> made = new ArrayList<>();

    private BridgedNamespaces(Path dir, String suffix) {
        this.dir = dir;
        this.suffix = suffix;
    }

    /** Creates the namespaces, the bridge and the two veth pairs, addressed and up. */
    public static BridgedNamespaces create(Path dir) throws IOException, InterruptedException {
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        BridgedNamespaces n = new BridgedNamespaces(dir, suffix);
        try {
            n.setUp();
        } catch (IOException | InterruptedException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    private void setUp() throws IOException, InterruptedException {
        ip("link", "add", bridge(), "type", "bridge");
        made.add("link " + bridge());
        noIpv6(bridge());
        ip("link", "set", bridge(), "up");
        side(client(), tap(), CLIENT_ADDRESS);
        side(server(), "fs" + suffix + "s", SERVER_ADDRESS);
    }

    /** A namespace with its lo up and a veth end named eth0 in it; the peer, {@code rootEnd}, on the bridge. */
    private void side(String ns, String rootEnd, String address) throws IOException, InterruptedException {
        ip("netns", "add", ns);
        made.add("netns " + ns);
        // /proc/sys/net is the namespace's own for a process inside it (procps' sysctl may not be installed)
        run(ns, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
        ip("link", "add", rootEnd, "type", "veth", "peer", "name", "eth0", "netns", ns);
        noIpv6(rootEnd);
        ip("link", "set", rootEnd, "master", bridge(), "up");
        ip("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        ip("-n", ns, "link", "set", "eth0", "up");
        ip("-n", ns, "link", "set", "lo", "up");
    }

    private void noIpv6(String link) throws IOException {
        Files.writeString(Path.of("/proc/sys/net/ipv6/conf", link, "disable_ipv6"), "1");
    }

    public String client() {
        return "fs" + suffix + "-client";
    }

    public String server() {
        return "fs" + suffix + "-server";
    }

    public String bridge() {
        return "fs" + suffix + "br";
    }

    /** The root-namespace end of the client's veth: where the tests capture. */
    public String tap() {
        return "fs" + suffix + "c";
    }

    /** The tap's interface index (the capture_nic of what is captured on it). */
    public int tapIndex() throws IOException {
        return Integer.parseInt(Files.readString(Path.of("/sys/class/net", tap(), "ifindex")).trim());
    }

    /** {@code command} as run in namespace {@code ns} (ip netns exec execs it there: the process is the command). */
    public List<String> in(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of(PrivilegedCondition.which("ip"), "netns", "exec", ns));
        String program = PrivilegedCondition.which(command[0]);
        cmd.add(program == null ? command[0] : program);
        cmd.addAll(List.of(command).subList(1, command.length));
        return cmd;
    }

    /** Runs a command in a namespace to completion; its stdout. */
    public String run(String ns, String... command) throws IOException, InterruptedException {
        return Processes.run(dir, in(ns, command));
    }

    private void ip(String... args) throws IOException, InterruptedException {
        Processes.ip(dir, args);
    }

    @Override
    public void close() {
        for (int i = made.size() - 1; i >= 0; i--) {
            String[] what = made.get(i).split(" ");
            try {
                if (what[0].equals("netns")) {
                    ip("netns", "del", what[1]);
                } else {
                    ip("link", "del", what[1]);
                }
            } catch (IOException | InterruptedException e) {
                // keep deleting the rest; what is left is named fs<suffix>… and can be found by hand
            }
        }
        made.clear();
    }
}
