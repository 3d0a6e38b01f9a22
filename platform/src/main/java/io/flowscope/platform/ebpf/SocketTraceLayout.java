package io.flowscope.platform.ebpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Offsets of bpf/socket_trace.h's structs as the Java side reads them (host byte order). SocketTraceLayoutTest
 * checks every one against the BTF of the built object, so the C header and this class cannot drift apart.
 */
public final class SocketTraceLayout {

    private SocketTraceLayout() {
    }

    // enum fs_event_type
    public static final int EVENT_DATA = 1;
    public static final int EVENT_OPEN = 2;
    public static final int EVENT_CLOSE = 3;
    public static final int EVENT_EXEC = 4;
    public static final int EVENT_FORK = 5;
    public static final int EVENT_EXIT = 6;

    /** Indexes of the programs' per-CPU `counters` (enum fs_counter). */
    public static final int COUNT_LOST = 1;
    public static final int COUNT_INFLIGHT_FULL = 5;
    public static final int COUNT_MUTED = 7;

    public static final int MAX_PAYLOAD = 8192;
    public static final int COMM_LEN = 16;

    /** struct fs_event_header */
    public static final class Header {
        public static final int TYPE = 0;
        public static final int SIZE = 4;
        public static final int TS_NS = 8;
        public static final int PID = 16;
        public static final int TID = 20;
        public static final int COMM = 24;
        public static final int BYTES = 40;

        private Header() {
        }
    }

    /** struct fs_socket_event (payload follows at {@link #BYTES}) */
    public static final class Socket {
        public static final int SOCKET_ID = 40;
        public static final int SEQ = 48;
        public static final int FD = 56;
        public static final int NETNS = 60;
        public static final int LENGTH = 64;
        public static final int CAPTURED = 68;
        public static final int FAMILY = 72;
        public static final int SOCK_TYPE = 74;
        public static final int LOCAL_PORT = 76;
        public static final int REMOTE_PORT = 78;
        public static final int LOCAL_ADDR = 80;
        public static final int REMOTE_ADDR = 96;
        public static final int DIRECTION = 112;
        public static final int ROLE = 113;
        public static final int SYSCALL = 114;
        public static final int BYTES = 120;

        private Socket() {
        }
    }

    /** struct fs_process_event */
    public static final class Process {
        public static final int PPID = 40;
        public static final int CHILD_PID = 44;
        public static final int EXIT_CODE = 48;
        public static final int FILENAME_LEN = 52;
        public static final int FILENAME = 56;
        public static final int FILENAME_CAPACITY = 256;
        public static final int CGROUP_ID = 312;
        public static final int ARGS_LEN = 320;
        public static final int ARGS_FULL_LEN = 324;
        public static final int ARGS = 328;
        public static final int ARGS_CAPACITY = 512;
        public static final int BYTES = 840;

        private Process() {
        }
    }

    /** struct fs_config, the object's .rodata */
    public static final class Config {
        public static final int PAYLOAD_MAX = 0;
        public static final int SELF_TGID = 4;
        public static final int WAKEUP_BYTES = 8;
        public static final int USE_PERF = 12;
        public static final int FILTER_PIDS = 13;
        public static final int FILTER_COMMS = 14;
        public static final int FILTER_CGROUPS = 15;
        public static final int FILTER_PORTS = 16;
        public static final int INFLIGHT_IN_TASK = 17;
        public static final int TASK_BTF = 18;
        public static final int BYTES = 24;

        private Config() {
        }
    }

    /**
     * The configuration's bytes. {@code inflightInTask}: the kernel gives tracepoint programs task storage and a BTF
     * pointer to the task (5.19 and later): syscall arguments wait in the task's storage and the fd walk loads
     * through the pointer; else a hash and reads.
     */
    public static byte[] config(int payloadMax, int selfTgid, int wakeupBytes, boolean usePerf, boolean filterPids,
                                boolean filterComms, boolean filterCgroups, boolean filterPorts, boolean inflightInTask) {
        if (payloadMax < 0 || payloadMax > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload size " + payloadMax + " is not between 0 and " + MAX_PAYLOAD);
        }
        ByteBuffer b = ByteBuffer.allocate(Config.BYTES).order(ByteOrder.nativeOrder());
        b.putInt(Config.PAYLOAD_MAX, payloadMax);
        b.putInt(Config.SELF_TGID, selfTgid);
        b.putInt(Config.WAKEUP_BYTES, wakeupBytes);
        b.put(Config.USE_PERF, (byte) (usePerf ? 1 : 0));
        b.put(Config.FILTER_PIDS, (byte) (filterPids ? 1 : 0));
        b.put(Config.FILTER_COMMS, (byte) (filterComms ? 1 : 0));
        b.put(Config.FILTER_CGROUPS, (byte) (filterCgroups ? 1 : 0));
        b.put(Config.FILTER_PORTS, (byte) (filterPorts ? 1 : 0));
        b.put(Config.INFLIGHT_IN_TASK, (byte) (inflightInTask ? 1 : 0));
        b.put(Config.TASK_BTF, (byte) (inflightInTask ? 1 : 0));
        return b.array();
    }

    /** A NUL-terminated name of at most {@code capacity} bytes at {@code offset}. */
    public static String string(ByteBuffer b, int offset, int capacity) {
        int n = 0;
        while (n < capacity && b.get(offset + n) != 0) {
            n++;
        }
        byte[] s = new byte[n];
        b.get(offset, s);
        return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
