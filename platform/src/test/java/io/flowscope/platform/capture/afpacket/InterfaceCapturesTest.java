package io.flowscope.platform.capture.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.api.CapturedInterface;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Processes;
import io.flowscope.platform.testing.StoreState;
import io.flowscope.platform.testing.TcpConversation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code all} mode: a veth pair created after capture started is picked up (both ends), its traffic is
 * captured on each end (flows keyed apart by {@code capture_nic}), and deleting it releases both, reported.
 */
@Privileged(programs = {"ip"})
class InterfaceCapturesTest {

    @TempDir
    Path dir;

    void ip(String... args) throws Exception {
        Processes.ip(dir, args);
    }

    @AfterEach
    void removePair() {
        try {
            ip("link", "del", "fsplug0");
        } catch (Exception ignored) {
            // gone already
        }
    }

    static void await(InterfaceCaptures c, Predicate<List<CapturedInterface>> condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.test(c.interfaces()) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
    }

    static boolean has(List<CapturedInterface> s, String name, String state) {
        return s.stream().anyMatch(x -> x.name().equals(name) && x.state().name().equals(state));
    }

    @Test
    void anInterfaceThatAppearsIsCapturedAndOneThatGoesIsReleased() throws Exception {
        removePair();
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"));
             InterfaceCaptures captures = new InterfaceCaptures(new Pipelines(plugins, store, null), List.of("all"),
                     RingSettings.defaults(), "tcp port 8081", 1)) {
            assertThat(captures.interfaces()).noneMatch(s -> s.name().equals("lo"));
            ip("link", "add", "fsplug0", "type", "veth", "peer", "name", "fsplug1");
            ip("link", "set", "fsplug0", "up");
            ip("link", "set", "fsplug1", "up");
            await(captures, s -> has(s, "fsplug0", "CAPTURING") && has(s, "fsplug1", "CAPTURING"));
            assertThat(captures.interfaces()).anyMatch(s -> s.name().equals("fsplug1") && s.state() == CapturedInterface.State.CAPTURING);

            List<List<byte[]>> conversations = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                conversations.add(new TcpConversation("10.79.0.1", 42_000 + i, "10.79.0.2", 8081).request("hello").close());
            }
            VlanCaptureTest.send("fsplug0", conversations, -1);
            int index0 = Integer.parseInt(Files.readString(Path.of("/sys/class/net/fsplug0/ifindex")).trim());
            int index1 = Integer.parseInt(Files.readString(Path.of("/sys/class/net/fsplug1/ifindex")).trim());
            LoopbackCaptureTest.waitForFlows(store, 8081, 6);
            // seen leaving one end and arriving at the other: the same three flows at two capture points
            assertThat(StoreState.rows(store, "SELECT capture_nic, count(*), sum(l4_byte_tx) FROM flow_log.l4_flow_log "
                    + "WHERE server_port = 8081 GROUP BY capture_nic ORDER BY capture_nic"))
                    .containsExactly(Math.min(index0, index1) + "|3|15", Math.max(index0, index1) + "|3|15");

            ip("link", "del", "fsplug0");
            await(captures, s -> has(s, "fsplug0", "RELEASED") && has(s, "fsplug1", "RELEASED"));
            assertThat(captures.interfaces()).filteredOn(s -> s.name().startsWith("fsplug"))
                    .extracting(s -> s.name() + " " + s.state() + " " + (s.packets() > 0))
                    .containsExactly("fsplug0 RELEASED true", "fsplug1 RELEASED true");
        }
    }
}
