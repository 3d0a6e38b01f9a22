package io.flowscope.platform.probes;

import io.flowscope.api.BpfHook;
import io.flowscope.api.CapturedInterface;
import io.flowscope.api.PacketCapture;
import io.flowscope.api.PacketCaptureRequest;
import io.flowscope.api.Probe;
import io.flowscope.api.ProbeContext;
import io.flowscope.api.ProbeDescriptor;
import io.flowscope.api.ProbeFactory;
import io.flowscope.api.ProbeHealth;
import io.flowscope.api.SocketTrace;
import io.flowscope.api.SocketTraceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the plugins' probes: each is started ({@link #startAll()}) with a {@link ProbeContext} of the host's (its
 * settings, the kernel's features, a way to report problems, the host's packet capture) unless a kernel
 * feature it needs is missing or its settings say {@code enabled=false}; a probe that throws when starting is
 * reported and the others still start. What a probe opened through its context (captures, socket traces) is closed when it
 * stops, whether or not it closed it itself. Stopped when the host stops.
 */
public final class ProbeHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProbeHost.class);

    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> features;
    private final ProbeServices services;

    private static final class Entry {
        final ProbeDescriptor descriptor;
        ProbeFactory factory;
        Map<String, String> settings;
        final AtomicLong problems = new AtomicLong();
        final Set<String> reportedKinds = ConcurrentHashMap.newKeySet();
        volatile Probe probe;
        volatile String state;
        volatile String detail;
        /** What the running probe opened through its context (captures, socket traces); closed when it stops. */
        final List<AutoCloseable> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

        Entry(ProbeDescriptor descriptor) {
            this.descriptor = descriptor;
        }
    }

    /**
     * Takes every probe of {@code factories}; {@link #startAll()} starts them.
     *
     * @param settings a probe id's settings ({@code flowscope.probes.<id>.*}, keys without the prefix)
     * @param services the host services probes' contexts offer
     */
    public ProbeHost(List<ProbeFactory> factories, Set<String> kernelFeatures, Function<String, Map<String, String>> settings,
                     ProbeServices services) {
        this.features = java.util.Collections.unmodifiableSet(new TreeSet<>(kernelFeatures)); // sorted: stable in messages
        this.services = services;
        for (ProbeFactory f : factories) {
            ProbeDescriptor d;
            try {
                d = f.descriptor();
            } catch (Throwable e) {
                log.error("a probe factory of {} has no descriptor; not started", f.getClass().getName(), e);
                continue;
            }
            Entry e = new Entry(d);
            e.factory = f;
            entries.add(e);
            Map<String, String> s;
            try {
                s = settings.apply(d.id());
            } catch (RuntimeException ex) {
                refuse(e, "its settings cannot be read (flowscope.probes." + d.id() + ".*): " + ex.getMessage());
                continue;
            }
            e.settings = s;
        }
    }

    /** Starts every probe whose settings could be read (once; the server calls it when it listens). */
    public synchronized void startAll() {
        for (Entry e : entries) {
            if (e.settings != null && e.state == null) {
                start(e.factory, e, e.settings);
            }
        }
    }

    private void start(ProbeFactory f, Entry e, Map<String, String> settings) {
        if ("false".equalsIgnoreCase(settings.getOrDefault("enabled", "true").trim())) {
            e.state = "DISABLED";
            e.detail = "disabled by flowscope.probes." + e.descriptor.id() + ".enabled=false";
            log.info("probe {} {}", e.descriptor.id(), e.detail);
            return;
        }
        Set<String> missing = new TreeSet<>(e.descriptor.kernelRequirements());
        missing.removeAll(features);
        if (!missing.isEmpty()) {
            refuse(e, "needs " + String.join(", ", missing) + ", which this kernel does not offer (it has "
                    + String.join(", ", features) + ")");
            return;
        }
        Probe p = null;
        try {
            p = f.newProbe();
            p.start(new Context(e, settings));
            e.probe = p;
            e.state = "RUNNING";
            log.info("probe {} {} started", e.descriptor.id(), e.descriptor.version());
        } catch (Throwable t) {
            e.state = "FAILED";
            e.detail = "could not start: " + reason(t);
            if (t instanceof IllegalStateException || t instanceof IllegalArgumentException) {
                log.error("probe {} could not start: {}; the other probes go on", e.descriptor.id(), reason(t));
            } else {
                log.error("probe {} could not start; the other probes go on", e.descriptor.id(), t);
            }
            if (p != null) {
                try {
                    p.stop(); // what a half-started probe attached goes
                } catch (Throwable ignored) {
                    // its start failure is the one reported
                }
            }
            closeCaptures(e);
        }
    }

    /** A probe's failure as people read it: the message of an expected kind of failure, else the exception. */
    private static String reason(Throwable t) {
        boolean expected = t instanceof IllegalStateException || t instanceof IllegalArgumentException
                || t instanceof java.io.IOException || t instanceof UnsupportedOperationException;
        return expected && t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static void refuse(Entry e, String why) {
        e.state = "REFUSED";
        e.detail = why;
        log.warn("probe {} not started: {}", e.descriptor.id(), why);
    }

    /** Every probe, with its health now. */
    public synchronized List<ProbeStatus> statuses() {
        List<ProbeStatus> out = new ArrayList<>();
        for (Entry e : entries) {
            String state = e.state;
            String detail = e.detail;
            long drops = 0;
            Probe p = e.probe;
            if (p != null && "RUNNING".equals(state)) {
                try {
                    ProbeHealth h = p.health();
                    state = h.state().name();
                    detail = h.detail();
                    drops = h.drops();
                } catch (RuntimeException ex) {
                    state = "FAILED";
                    detail = "health() threw " + ex;
                }
            }
            ProbeDescriptor d = e.descriptor;
            List<ProbeStatus.Interface> interfaces = new ArrayList<>();
            List<ProbeStatus.Hook> hooks = new ArrayList<>();
            long events = 0;
            long lost = 0;
            List<ProbeStatus.Table> tables = new ArrayList<>();
            for (AutoCloseable o : e.opened) {
                if (o instanceof PacketCapture c) {
                    c.interfaces().forEach(i -> interfaces.add(ProbeStatus.Interface.of(i)));
                } else if (o instanceof SocketTrace t) {
                    t.hooks().forEach(h -> hooks.add(ProbeStatus.Hook.of(h)));
                    events += t.events();
                    lost += t.lostEvents();
                    if (t instanceof io.flowscope.platform.ebpf.SocketTraceCollector c) {
                        c.tables().forEach(f -> tables.add(new ProbeStatus.Table(f.name(), f.size(), f.capacity(), f.evictions())));
                    }
                }
            }
            out.add(new ProbeStatus(d.id(), d.kind().name(), d.version(), state, detail, drops, e.problems.get(),
                    e.settings == null ? Map.of() : new java.util.TreeMap<>(e.settings), interfaces, hooks, events, lost, tables));
        }
        return out;
    }

    /**
     * Stops a probe (if it runs) and starts it afresh with the same settings: a new instance from its factory,
     * the kernel requirements checked again. Returns its status, or null when no probe has this id.
     */
    public synchronized ProbeStatus restart(String id) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.descriptor.id().equals(id)) {
                stop(e);
                if (e.settings == null) {
                    return statuses().get(i); // its settings could not be read: still refused
                }
                e.detail = null;
                start(e.factory, e, e.settings);
                return statuses().get(i);
            }
        }
        return null;
    }

    private static void stop(Entry e) {
        Probe p = e.probe;
        if (p != null) {
            e.probe = null;
            try {
                p.stop();
            } catch (RuntimeException ex) {
                log.warn("probe {} failed to stop cleanly", e.descriptor.id(), ex);
            }
            e.state = "STOPPED";
            e.detail = null;
        }
        closeCaptures(e);
    }

    /** Closes what the probe opened through its context and did not close. */
    private static void closeCaptures(Entry e) {
        for (AutoCloseable c : e.opened) {
            try {
                c.close();
            } catch (Exception ex) {
                log.warn("what probe {} opened ({}) failed to close cleanly", e.descriptor.id(), c, ex);
            }
        }
        e.opened.clear();
    }

    /** Stops every running probe (each once; a probe that throws does not keep the others running). */
    @Override
    public synchronized void close() {
        for (Entry e : entries) {
            stop(e);
        }
    }

    /** The host's services for one probe. */
    private final class Context implements ProbeContext {
        private final Entry entry;
        private final Map<String, String> settings;

        Context(Entry entry, Map<String, String> settings) {
            this.entry = entry;
            this.settings = Map.copyOf(settings);
        }

        @Override
        public Map<String, String> settings() {
            return settings;
        }

        @Override
        public Set<String> kernelFeatures() {
            return features;
        }

        @Override
        public PacketCapture capturePackets(PacketCaptureRequest request) {
            PacketCapture c = services.capturePackets(entry.descriptor.id(), request);
            entry.opened.add(c);
            log.info("probe {} captures {}", entry.descriptor.id(), request);
            return new PacketCapture() {
                @Override
                public List<CapturedInterface> interfaces() {
                    return c.interfaces();
                }

                @Override
                public void close() {
                    entry.opened.remove(c);
                    c.close();
                }
            };
        }

        @Override
        public SocketTrace traceSockets(SocketTraceRequest request) {
            SocketTrace t = services.traceSockets(entry.descriptor.id(), request);
            entry.opened.add(t);
            log.info("probe {} traces sockets: {}", entry.descriptor.id(), request);
            return new SocketTrace() {
                @Override
                public List<BpfHook> hooks() {
                    return t.hooks();
                }

                @Override
                public long events() {
                    return t.events();
                }

                @Override
                public long lostEvents() {
                    return t.lostEvents();
                }

                @Override
                public void close() {
                    entry.opened.remove(t);
                    t.close();
                }
            };
        }

        @Override
        public void reportProblem(String kind, String message) {
            entry.problems.incrementAndGet();
            if (entry.reportedKinds.add(kind)) {
                log.warn("probe {}: {}: {} (further problems of this kind are counted, not logged)",
                        entry.descriptor.id(), kind, message);
            }
        }
    }
}
