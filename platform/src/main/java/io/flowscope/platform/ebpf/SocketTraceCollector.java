package io.flowscope.platform.ebpf;

import com.sun.jna.Memory;
import io.flowscope.api.BpfHook;
import io.flowscope.api.SocketTrace;
import io.flowscope.platform.pipeline.Pipeline;
import io.flowscope.platform.pipeline.Pipelines;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EbpfCollector's socket side: the socket-trace object loaded and attached, its ring buffer read by a
 * thread of its own that drives a live pipeline through {@link SocketEvents} (a tick every 100 ms, so rows
 * commit within a second). Hooks that cannot attach are reported with the kernel's reason and the rest run.
 * {@link #close()} stops the thread, finishes the pipeline, detaches everything and unloads the programs.
 */
public final class SocketTraceCollector implements SocketTrace {

    private static final Logger log = LoggerFactory.getLogger(SocketTraceCollector.class);
    /**
     * The reader looks at the ring this often on its own. The programs wake it only when a quarter of the ring
     * is waiting: a wake-up is an interrupt on the traced process's CPU (a self-IPI, measured at several µs
     * under a hypervisor), so they are kept for bursts, and 8 MiB hold what 10 ms bring up to 800 MB/s.
     */
    private static final int POLL_MILLIS = 10;
    private static final long TICK_NANOS = 100_000_000L;
    private static final long RING_BYTES = 8 << 20;
    private static final int WAKEUP_BYTES = (int) (RING_BYTES / 4);
    /** The programs' in-flight hash (where task storage is missing): threads in a socket syscall at once. */
    private static final int INFLIGHT_HASH_CAPACITY = 16_384;
    /** The programs' socket table (an LRU: the least recently used socket's state goes when it is full). */
    private static final int SOCKET_TABLE_CAPACITY = 65_536;
    /** The program's `muted` map. */
    private static final int MUTED_TABLE_CAPACITY = 65_536;
    /** 1 MiB per CPU: the perf transport's rings together hold about what the shared ring does on a few CPUs. */
    private static final int PERF_PAGES_PER_CPU = 256;

    /** What to trace. */
    /**
     * What to trace; {@code cgroups} are cgroup v2 paths (relative to the cgroup mount), each with what is below it.
     * {@code maxConnections} and {@code maxProcesses} bound the connection and process tables.
     */
    public record Settings(int payloadBytes, List<Integer> pids, List<String> processNames, List<String> cgroups,
                           List<Integer> ports, boolean perfBuffer, int maxConnections, int maxProcesses) {
        public Settings {
            pids = List.copyOf(pids);
            processNames = List.copyOf(processNames);
            cgroups = List.copyOf(cgroups);
            ports = List.copyOf(ports);
        }

        public Settings(int payloadBytes, List<Integer> pids, List<String> processNames, List<String> cgroups,
                        List<Integer> ports, boolean perfBuffer) {
            this(payloadBytes, pids, processNames, cgroups, ports, perfBuffer, 262_144, 65_536);
        }

        public static Settings defaults() {
            return new Settings(1024, List.of(), List.of(), List.of(), List.of(), false);
        }
    }

    /**
     * One bounded table of this side: entries (or bytes) held, its bound, and how often it was full (an entry
     * evicted, or for the programs' tables a syscall or socket not traced). {@code size} is -1 where it is not
     * known cheaply (the kernel's tables).
     */
    public record TableFigures(String name, long size, long capacity, long evictions) {
    }

    private final BpfObject object;
    private final List<BpfObject.Attachment> attachments;
    private final EventTransport ring;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile long events;
    private volatile Throwable failure;
    private final ProcessTable processes;
    private final Settings settings;
    private final boolean inflightInTask;
    /** The reader thread's tables, published by it on every tick. */
    private volatile List<TableFigures> pipelineTables = List.of();
    private boolean closed;
    private long lostAtClose;

    private SocketTraceCollector(BpfObject object, List<BpfObject.Attachment> attachments, EventTransport ring,
                                 Pipeline pipeline, Settings settings, boolean inflightInTask) {
        this.object = object;
        this.settings = settings;
        this.inflightInTask = inflightInTask;
        this.processes = new ProcessTable(settings.maxProcesses());
        this.attachments = attachments;
        this.ring = ring;
        this.thread = new Thread(() -> run(pipeline), "flowscope-socket-trace");
        this.thread.setDaemon(true);
    }

    /**
     * Loads and attaches the socket-trace object and starts reading.
     *
     * @throws BpfException when tracefs is missing or the kernel refuses the programs (the verifier's words)
     */
    public static SocketTraceCollector start(Pipelines pipelines, byte[] elf, Settings settings) throws java.sql.SQLException {
        String tracefs = Tracefs.ensureMounted();
        if (tracefs != null) {
            throw new BpfException(tracefs);
        }
        BpfObject o = BpfObject.open("socket_trace", elf);
        EventTransport ring = null;
        Pipeline pipeline = null;
        try {
            int self = (int) ProcessHandle.current().pid();
            List<Long> cgroups = cgroupIds(settings.cgroups());
            boolean inTask = chooseInflightTable(o, true);
            o.setReadOnly(SocketTraceLayout.config(settings.payloadBytes(), self, WAKEUP_BYTES, settings.perfBuffer(),
                    !settings.pids().isEmpty(), !settings.processNames().isEmpty(), !cgroups.isEmpty(),
                    !settings.ports().isEmpty(), inTask));
            if (settings.perfBuffer()) {
                // the ring buffer is not used: not made (a kernel before 5.8 could not make it)
                o.setAutocreate("events", false);
            }
            o.load();
            filters(o, settings, cgroups);
            // the transport first: a program that fires before a CPU's perf buffer is open fails to write and
            // counts the event as lost (seen: exec events of other processes while the probe started)
            ring = settings.perfBuffer() ? new PerfBufferReader(o.mapFd("perf_events"), PERF_PAGES_PER_CPU)
                    : new RingBufferReader(o.mapFd("events"), RING_BYTES);
            List<BpfObject.Attachment> attached = o.attachAll();
            for (BpfObject.Attachment a : attached) {
                if (!a.attached()) {
                    log.warn("socket trace: {} ({}) not attached: {}", a.program(), a.section(), a.problem());
                }
            }
            pipeline = pipelines.open("socket trace", pipelines.liveSettings());
            SocketTraceCollector c = new SocketTraceCollector(o, attached, ring, pipeline, settings, inTask);
            c.processes.loadFromProc();
            c.thread.start();
            log.info("socket trace: {} of {} hooks attached", attached.stream().filter(BpfObject.Attachment::attached).count(),
                    attached.size());
            return c;
        } catch (RuntimeException | java.sql.SQLException e) {
            if (ring != null) {
                ring.close();
            }
            o.close();
            throw e;
        }
    }

    /**
     * Where a syscall's arguments wait for its exit: in task storage when the kernel has it for tracepoints
     * (5.19 and later; the cheaper), else in a hash by thread id. The map not used is not made. True for task
     * storage.
     */
    static boolean chooseInflightTable(BpfObject o, boolean preferTaskStorage) {
        boolean task = preferTaskStorage
                && LibBpf.libbpf_probe_bpf_map_type(LibBpf.BPF_MAP_TYPE_TASK_STORAGE, null) == 1
                && LibBpf.libbpf_probe_bpf_helper(LibBpf.BPF_PROG_TYPE_TRACEPOINT, LibBpf.BPF_FUNC_TASK_STORAGE_GET, null) == 1;
        o.setAutocreate(task ? "inflight" : "inflight_tasks", false);
        return task;
    }

    /** The ids of cgroup paths; a path that is not a cgroup is refused with its name. */
    private static List<Long> cgroupIds(List<String> paths) {
        List<Long> ids = new java.util.ArrayList<>();
        for (String p : paths) {
            long id = ProcessTable.cgroupId(p);
            if (id == 0) {
                throw new BpfException("cgroup filter: " + p + " is not a cgroup v2 directory under "
                        + ProcessTable.cgroupRoot());
            }
            ids.add(id);
        }
        return ids;
    }

    private static void filters(BpfObject o, Settings s, List<Long> cgroups) {
        try (Memory one = new Memory(1)) {
            one.setByte(0, (byte) 1);
            for (int pid : s.pids()) {
                try (Memory k = new Memory(4)) {
                    k.setInt(0, pid);
                    put(o, "pid_filter", k, one);
                }
            }
            for (String name : s.processNames()) {
                try (Memory k = new Memory(SocketTraceLayout.COMM_LEN)) {
                    k.clear();
                    byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    k.write(0, n, 0, Math.min(n.length, SocketTraceLayout.COMM_LEN - 1));
                    put(o, "comm_filter", k, one);
                }
            }
            for (long id : cgroups) {
                try (Memory k = new Memory(8)) {
                    k.setLong(0, id);
                    put(o, "cgroup_filter", k, one);
                }
            }
            for (int port : s.ports()) {
                try (Memory k = new Memory(2)) {
                    k.setShort(0, (short) port);
                    put(o, "port_filter", k, one);
                }
            }
        }
    }

    private static void put(BpfObject o, String map, Memory key, Memory value) {
        int r = LibBpf.bpf_map_update_elem(o.mapFd(map), key, value, 0);
        if (r != 0) {
            throw new BpfException("cannot add to " + map + ": " + LibBpf.strerror(r));
        }
    }

    /**
     * The program's `muted` map, written from the reader's thread: a loopback peer's data stays in the kernel once
     * it is paired. A mute the map cannot take (full) only costs the copy; it is counted.
     */
    private final class KernelMuting implements SocketEvents.PeerMuting {
        private final int fd = object.mapFd("muted");
        private final Memory key = new Memory(8);
        private final Memory one = new Memory(1);
        // written by the reader's thread only, read by the health endpoint
        private volatile long held;
        private volatile long refused;

        KernelMuting() {
            one.setByte(0, (byte) 1);
        }

        @Override
        public boolean mute(long socketId) {
            key.setLong(0, socketId);
            if (LibBpf.bpf_map_update_elem(fd, key, one, 0) != 0) {
                refused++;
                return false;
            }
            held++;
            return true;
        }

        @Override
        public void unmute(long socketId) {
            key.setLong(0, socketId);
            LibBpf.bpf_map_delete_elem(fd, key);
            held--;
        }

        @Override
        public void closed(long socketId) {
            held--;
        }
    }

    private volatile KernelMuting muting;

    private void run(Pipeline pipeline) {
        muting = new KernelMuting();
        SocketEvents socketEvents = new SocketEvents(pipeline.sockets(), settings.maxConnections(), pid -> {
            ProcessTable.Info i = processes.get(pid);
            return i != null ? i.name() : null;
        }, muting);
        publishTables(socketEvents, pipeline);
        EventSink sink = (b, off, len) -> {
            int type = b.getInt(off + SocketTraceLayout.Header.TYPE);
            if (type <= SocketTraceLayout.EVENT_CLOSE) {
                socketEvents.event(b, off);
            } else {
                ProcessEvent e = processes.event(b, off,
                        socketEvents.epochMicros(b.getLong(off + SocketTraceLayout.Header.TS_NS)));
                if (e != null) {
                    pipeline.processEvent(e);
                }
            }
        };
        try (pipeline) {
            long lastTick = System.nanoTime();
            while (running) {
                ring.poll(sink, POLL_MILLIS);
                events = ring.events();
                long now = System.nanoTime();
                if (now - lastTick >= TICK_NANOS) {
                    lastTick = now;
                    pipeline.tick();
                    publishTables(socketEvents, pipeline);
                }
            }
            ring.poll(sink, 0);
            events = ring.events();
        } catch (Throwable t) {
            failure = t;
            log.error("socket trace stopped", t);
        } finally {
            stopped.countDown();
        }
    }

    private void publishTables(SocketEvents socketEvents, Pipeline pipeline) {
        List<TableFigures> t = new java.util.ArrayList<>();
        t.add(new TableFigures("connections", socketEvents.connections(), settings.maxConnections(), socketEvents.evictions()));
        var b = pipeline.l7().budgets();
        t.add(budget("l7 detection bytes", b.detection()));
        t.add(budget("l7 pairing bytes", b.pairing()));
        t.add(budget("l7 parser state bytes", b.parserState()));
        pipelineTables = List.copyOf(t);
    }

    private static TableFigures budget(String name, io.flowscope.platform.budget.ByteBudget b) {
        return new TableFigures(name, b.used(), b.limit(), b.evictions());
    }

    /**
     * Every bounded table of the trace, in user space and in the kernel, with its bound and evictions: what
     * keeps the agent's memory flat under load (docs/ebpf.md).
     */
    public synchronized List<TableFigures> tables() {
        List<TableFigures> t = new java.util.ArrayList<>(pipelineTables);
        t.add(new TableFigures("processes", processes.size(), settings.maxProcesses(), processes.evictions()));
        long inflightFull = closed ? 0 : counter(SocketTraceLayout.COUNT_INFLIGHT_FULL);
        // task storage: one slot per thread, freed with it; the hash is bounded and counts what did not fit
        t.add(new TableFigures("in-flight syscalls (kernel)", -1, inflightInTask ? -1 : INFLIGHT_HASH_CAPACITY, inflightFull));
        t.add(new TableFigures("sockets (kernel, LRU)", -1, SOCKET_TABLE_CAPACITY, -1));
        KernelMuting m = muting;
        // held: muted by user space and not yet unmuted by it (the program takes a closed peer out itself)
        t.add(new TableFigures("muted loopback peers (kernel)", m == null ? 0 : m.held, MUTED_TABLE_CAPACITY,
                m == null ? 0 : m.refused));
        return t;
    }

    /** Every program with whether it attached, and why not. */
    public List<BpfObject.Attachment> attachments() {
        return attachments;
    }

    @Override
    public List<BpfHook> hooks() {
        return attachments.stream().map(a -> new BpfHook(a.program(), a.section(), a.attached(), a.problem())).toList();
    }

    /** Events read from the ring buffer. */
    @Override
    public long events() {
        return events;
    }

    /** Events the ring buffer could not take (counted by the programs). */
    @Override
    public synchronized long lostEvents() {
        return closed ? lostAtClose : counter(SocketTraceLayout.COUNT_LOST) + ring.lost();
    }

    /** Data events the program kept in the kernel because their socket was a muted loopback peer. */
    public synchronized long mutedEvents() {
        return closed ? 0 : counter(SocketTraceLayout.COUNT_MUTED);
    }

    /** A per-CPU counter of the programs, summed over CPUs. */
    private long counter(int index) {
        int cpus = LibBpf.libbpf_num_possible_cpus();
        try (Memory k = new Memory(4); Memory v = new Memory(8L * cpus)) {
            k.setInt(0, index);
            if (LibBpf.bpf_map_lookup_elem(object.mapFd("counters"), k, v) != 0) {
                return 0;
            }
            long sum = 0;
            for (int i = 0; i < cpus; i++) {
                sum += v.getLong(8L * i);
            }
            return sum;
        }
    }

    /** The host's processes, kept current from the program's events. */
    public ProcessTable processes() {
        return processes;
    }

    public Throwable failure() {
        return failure;
    }

    /** Stops reading, finishes the pipeline (open connections end), detaches and unloads. Safe to call again. */
    @Override
    public void close() {
        running = false;
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (!closed) {
                lostAtClose = counter(SocketTraceLayout.COUNT_LOST) + ring.lost();
                closed = true;
                ring.close();
                object.close();
            }
        }
    }
}
