package io.flowscope.platform.capture.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures started, stopped and started again — one reader, fanout readers, and InterfaceCaptures releasing an
 * interface that goes down and taking it again when it comes up — leave no AF_PACKET socket and no ring mapping
 * behind. Counted from this process's own tables: its file descriptors that are packet sockets (the socket
 * inodes of /proc/self/fd found in /proc/net/packet) and its mappings of sockets in /proc/self/maps (the ring is
 * mapped from its socket), with their sizes, so a ring left mapped in part would show too.
 */
@Privileged(programs = {"ip"})
class CaptureResourcesTest {

    /** 4 × 64 KiB: rings of a size no library maps, small enough for many at once. */
    static final RingSettings RING = RingSettings.defaults().withBlocks(1 << 16, 4);
    static final long RING_BYTES = 4L << 16;

    @TempDir
    Path dir;

    /** What this process holds: packet sockets, socket mappings and their bytes. */
    record Held(long sockets, long mappings, long mappedBytes) {
        Held plus(int rings) {
            return new Held(sockets + rings, mappings + rings, mappedBytes + rings * RING_BYTES);
        }
    }

    @Test
    void oneReaderAndFanoutReadersStartedAndStoppedAgainLeaveNothingBehind() throws Exception {
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            Pipelines pipelines = new Pipelines(plugins, store, null);
            // one first, so lazily loaded libraries and the store's own files are counted in the baseline
            LiveCapture.start(pipelines, "lo", RING, "tcp port 1").close();
            Held before = held();
            for (int i = 0; i < 4; i++) {
                LiveCapture one = LiveCapture.start(pipelines, "lo", RING, "tcp port 1");
                assertThat(held()).as("one ring while capturing").isEqualTo(before.plus(1));
                one.close();
                List<LiveCapture> three = LiveCapture.startReaders(pipelines, "lo", RING, "tcp port 1", 3);
                assertThat(held()).as("three rings in a fanout group").isEqualTo(before.plus(3));
                three.forEach(LiveCapture::close);
                assertThat(held()).isEqualTo(before);
            }
        }
    }

    @Test
    void interfaceCapturesReleasingAndRetakingAnInterfaceAndClosingLeaveNothingBehind() throws Exception {
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        String a = "fsr" + suffix + "a";
        String b = "fsr" + suffix + "b";
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            Pipelines pipelines = new Pipelines(plugins, store, null);
            ip("link", "add", a, "type", "veth", "peer", "name", b);
            ip("link", "set", a, "up");
            ip("link", "set", b, "up");
            new InterfaceCaptures(pipelines, List.of(a, b), RING, "tcp port 1", 2).close();
            Held before = held();
            for (int i = 0; i < 3; i++) {
                try (InterfaceCaptures captures = new InterfaceCaptures(pipelines, List.of(a, b), RING, "tcp port 1", 2)) {
                    assertThat(held()).as("two readers on each end").isEqualTo(before.plus(4));
                    ip("link", "set", b, "down");
                    InterfaceCapturesTest.await(captures, s -> InterfaceCapturesTest.has(s, b, "RELEASED"));
                    assertThat(InterfaceCapturesTest.has(captures.interfaces(), b, "RELEASED")).isTrue();
                    assertThat(held()).as("the end that went down released").isEqualTo(before.plus(2));
                    ip("link", "set", b, "up");
                    InterfaceCapturesTest.await(captures, s -> InterfaceCapturesTest.has(s, b, "CAPTURING"));
                    assertThat(InterfaceCapturesTest.has(captures.interfaces(), b, "CAPTURING")).isTrue();
                    assertThat(held()).as("and taken again when it came up").isEqualTo(before.plus(4));
                }
                assertThat(held()).isEqualTo(before);
            }
        } finally {
            try {
                ip("link", "del", a); // takes its peer with it
            } catch (IOException ignored) {
                // not made
            }
        }
    }

    private void ip(String... args) throws IOException, InterruptedException {
        Processes.ip(dir, args);
    }

    static Held held() throws IOException {
        Set<String> packetInodes = new HashSet<>();
        List<String> packet = Files.readAllLines(Path.of("/proc/net/packet"));
        for (String line : packet.subList(1, packet.size())) {
            String[] f = line.trim().split("\\s+");
            packetInodes.add(f[f.length - 1]);
        }
        long sockets = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && packetInodes.contains(target.substring(8, target.length() - 1))) {
                        sockets++;
                    }
                } catch (IOException gone) {
                    // the listing's own descriptor, closed by now
                }
            }
        }
        long mappings = 0;
        long bytes = 0;
        // "start-end perms offset dev inode socket:[inode]"
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains(" socket:[")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                mappings++;
                bytes += Long.parseUnsignedLong(range[1], 16) - Long.parseUnsignedLong(range[0], 16);
            }
        }
        return new Held(sockets, mappings, bytes);
    }
}
