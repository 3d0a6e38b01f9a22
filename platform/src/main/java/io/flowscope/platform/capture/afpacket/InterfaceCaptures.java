package io.flowscope.platform.capture.afpacket;

import io.flowscope.platform.pipeline.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures a set of interfaces and keeps it current: every second the interfaces of the machine are read
 * from /sys/class/net; one that appears (or comes up) and is selected gets its readers, one that disappears
 * (or goes down) is released, and each change is logged and shown in {@link #statuses()}. {@code all} selects
 * every interface that is up except loopback; otherwise the names given (which may include {@code lo}).
 */
public final class InterfaceCaptures implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InterfaceCaptures.class);
    private static final Path SYS_NET = Path.of("/sys/class/net");
    private static final int IFF_UP = 0x1;

    /** One interface as shown: {@code capturing}, {@code released} (gone or down), or {@code failed} with the reason. */
    public record Status(String interfaceName, String state, String detail, long packets, long kernelDrops) {
    }

    private final Pipelines pipelines;
    private final Set<String> names;
    private final RingSettings settings;
    private final String filter;
    private final int readers;
    private final Map<String, List<LiveCapture>> running = new TreeMap<>();
    private final Map<String, Status> ended = new TreeMap<>();
    private final Thread watcher;
    private volatile boolean open = true;

    /**
     * Starts capturing and watching.
     *
     * @param interfaces {@code all}, or names
     */
    public InterfaceCaptures(Pipelines pipelines, List<String> interfaces, RingSettings settings, String filter, int readers) {
        this.pipelines = pipelines;
        this.names = interfaces.contains("all") ? null : Set.copyOf(interfaces);
        this.settings = settings;
        this.filter = filter;
        this.readers = readers;
        refresh();
        this.watcher = new Thread(this::watch, "flowscope-interfaces");
        this.watcher.setDaemon(true);
        this.watcher.start();
    }

    private void watch() {
        while (open) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (open) {
                refresh();
            }
        }
    }

    /** Brings the captures in line with the interfaces there are now. */
    public synchronized void refresh() {
        if (!open) {
            return;
        }
        Set<String> wanted = selected();
        for (String name : new TreeSet<>(running.keySet())) {
            if (!wanted.contains(name)) {
                List<LiveCapture> c = running.remove(name);
                long packets = c.stream().mapToLong(LiveCapture::packets).sum();
                long drops = c.stream().mapToLong(LiveCapture::kernelDrops).sum();
                c.forEach(LiveCapture::close);
                ended.put(name, new Status(name, "released", "the interface is gone or down", packets, drops));
                log.info("capture on {} released: the interface is gone or down", name);
            }
        }
        for (String name : wanted) {
            if (running.containsKey(name)) {
                continue;
            }
            Status before = ended.get(name);
            try {
                running.put(name, LiveCapture.startReaders(pipelines, name, settings, filter, readers));
                ended.remove(name);
            } catch (IOException | java.sql.SQLException | RuntimeException e) {
                // said once per reason, retried on every refresh (the interface may become capturable)
                if (before == null || !e.getMessage().equals(before.detail())) {
                    log.warn("cannot capture on {}: {}", name, e.getMessage());
                }
                ended.put(name, new Status(name, "failed", e.getMessage(), 0, 0));
            }
        }
    }

    /** The interfaces selected now: present, up, and (for {@code all}) not loopback. */
    private Set<String> selected() {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(SYS_NET)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                boolean loopback = "772".equals(read(p.resolve("type")));
                boolean up = (parseFlags(read(p.resolve("flags"))) & IFF_UP) != 0;
                if (names == null ? up && !loopback : names.contains(name) && up) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            log.warn("cannot list the network interfaces: {}", e.getMessage());
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static int parseFlags(String hex) {
        try {
            return Integer.decode(hex);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Every interface captured now, or released or failed since. */
    public synchronized List<Status> statuses() {
        Map<String, Status> all = new LinkedHashMap<>(ended);
        running.forEach((name, c) -> all.put(name, new Status(name, "capturing", c.size() + " reader(s)",
                c.stream().mapToLong(LiveCapture::packets).sum(), c.stream().mapToLong(LiveCapture::kernelDrops).sum())));
        return List.copyOf(new TreeMap<>(all).values());
    }

    /** Stops watching and releases every capture (each reports its open flows and commits). */
    @Override
    public void close() {
        open = false;
        watcher.interrupt();
        synchronized (this) {
            running.values().forEach(c -> c.forEach(LiveCapture::close));
            running.clear();
        }
    }
}
