package io.flowscope.platform.capture.afpacket;

import io.flowscope.api.CapturedInterface;
import io.flowscope.api.PacketCapture;
import io.flowscope.platform.pipeline.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * (or goes down) is released, and each change is logged and shown in {@link #interfaces()}. {@code all} selects
 * every interface that is up except loopback; otherwise the names given (which may include {@code lo}).
 * Counters of an interface run on from when it was first captured, across releases.
 */
public final class InterfaceCaptures implements PacketCapture {

    private static final Logger log = LoggerFactory.getLogger(InterfaceCaptures.class);
    private static final Path SYS_NET = Path.of("/sys/class/net");
    private static final int IFF_UP = 0x1;

    private final Pipelines pipelines;
    private final Set<String> names;
    private final RingSettings settings;
    private final String filter;
    private final int readers;
    private final CaptureMeters meters;
    private final Map<String, List<LiveCapture>> running = new TreeMap<>();
    /** What the released readers of an interface counted: packets, bytes, drops, freezes, undecodable. */
    private final Map<String, long[]> released = new TreeMap<>();
    private final Map<String, CapturedInterface> ended = new TreeMap<>();
    private final Thread watcher;
    private volatile boolean open = true;

    /**
     * Starts capturing and watching.
     *
     * @param interfaces {@code all}, or names
     * @param meters     where each interface's counters are published (may be {@link CaptureMeters#NONE})
     */
    public InterfaceCaptures(Pipelines pipelines, List<String> interfaces, RingSettings settings, String filter, int readers,
                             CaptureMeters meters) {
        this.pipelines = pipelines;
        this.names = interfaces.contains("all") ? null : Set.copyOf(interfaces);
        this.settings = settings;
        this.filter = filter;
        this.readers = readers;
        this.meters = meters;
        refresh();
        this.watcher = new Thread(this::watch, "flowscope-interfaces");
        this.watcher.setDaemon(true);
        this.watcher.start();
    }

    /** The same, publishing no meters. */
    public InterfaceCaptures(Pipelines pipelines, List<String> interfaces, RingSettings settings, String filter, int readers) {
        this(pipelines, interfaces, settings, filter, readers, CaptureMeters.NONE);
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
                release(name);
                ended.put(name, status(name, CapturedInterface.State.RELEASED, "the interface is gone or down"));
                log.info("capture on {} released: the interface is gone or down", name);
            }
        }
        for (String name : wanted) {
            if (running.containsKey(name)) {
                continue;
            }
            CapturedInterface before = ended.get(name);
            try {
                running.put(name, LiveCapture.startReaders(pipelines, name, settings, filter, readers));
                ended.remove(name);
                meters.add(name, () -> status(name, CapturedInterface.State.CAPTURING, ""));
            } catch (IOException | java.sql.SQLException | RuntimeException e) {
                // said once per reason, retried on every refresh (the interface may become capturable)
                String why = String.valueOf(e.getMessage());
                if (before == null || !why.equals(before.detail())) {
                    log.warn("cannot capture on {}: {}", name, why);
                }
                ended.put(name, status(name, CapturedInterface.State.FAILED, why));
            }
        }
    }

    /** Closes an interface's readers (each reports its open flows and commits) and keeps what they counted. */
    private void release(String name) {
        List<LiveCapture> c = running.remove(name);
        c.forEach(LiveCapture::close);
        long[] t = released.computeIfAbsent(name, n -> new long[5]);
        c.forEach(l -> add(t, l));
    }

    private static void add(long[] totals, LiveCapture l) {
        totals[0] += l.packets();
        totals[1] += l.bytes();
        totals[2] += l.kernelDrops();
        totals[3] += l.queueFreezes();
        totals[4] += l.undecodableFrames();
    }

    /** An interface's counters now: its released readers' and its running ones'. */
    private synchronized CapturedInterface status(String name, CapturedInterface.State state, String detail) {
        long[] t = released.getOrDefault(name, new long[5]).clone();
        List<LiveCapture> c = running.getOrDefault(name, List.of());
        c.forEach(l -> add(t, l));
        if (state == CapturedInterface.State.CAPTURING) {
            detail = c.size() + (c.size() == 1 ? " reader" : " readers");
        }
        return new CapturedInterface(name, state, detail, t[0], t[1], t[2], t[3], t[4]);
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
        if (names != null) {
            // a named interface that is missing or down is shown as such, not silently skipped
            for (String name : names) {
                if (!out.contains(name) && !running.containsKey(name) && !ended.containsKey(name)) {
                    String why = Files.exists(SYS_NET.resolve(name)) ? "the interface is down" : "no such interface";
                    log.warn("cannot capture on {}: {}", name, why);
                    ended.put(name, status(name, CapturedInterface.State.FAILED, why));
                }
            }
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
    @Override
    public synchronized List<CapturedInterface> interfaces() {
        Map<String, CapturedInterface> all = new TreeMap<>(ended);
        running.keySet().forEach(name -> all.put(name, status(name, CapturedInterface.State.CAPTURING, "")));
        return List.copyOf(all.values());
    }

    /** Stops watching and releases every capture (each reports its open flows and commits). Safe to call again. */
    @Override
    public void close() {
        open = false;
        watcher.interrupt();
        synchronized (this) {
            for (String name : new TreeSet<>(running.keySet())) {
                release(name);
            }
            meters.close();
        }
    }
}
