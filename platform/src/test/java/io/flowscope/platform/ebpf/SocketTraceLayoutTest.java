package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.PrivilegedCondition;
import io.flowscope.platform.testing.Processes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every offset the Java side reads (SocketTraceLayout) equals the one in the BTF of the built object, and
 * every size too: the C header and the Java view cannot drift apart. Read with bpftool (a build tool here).
 */
class SocketTraceLayoutTest {

    @TempDir
    Path dir;

    @Test
    void theJavaViewOfEveryEventStructMatchesTheObjectsBtf() throws Exception {
        String bpftool = PrivilegedCondition.which("bpftool");
        if (bpftool == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("bpftool is needed to check the event layout (scripts/install-deps.sh test)");
        }
        Assumptions.assumeTrue(bpftool != null, "bpftool is not installed");
        for (Path object : List.of(SocketTraceObjects.BUILT, SocketTraceObjects.PREBUILT)) {
            if (!object.toFile().exists()) {
                continue;
            }
            String raw = Processes.run(dir, List.of(bpftool, "btf", "dump", "file", object.toAbsolutePath().toString(), "format", "raw"));
            check(raw, "fs_event_header", 40, Map.of("type", SocketTraceLayout.Header.TYPE, "size", SocketTraceLayout.Header.SIZE,
                    "ts_ns", SocketTraceLayout.Header.TS_NS, "pid", SocketTraceLayout.Header.PID, "tid", SocketTraceLayout.Header.TID,
                    "comm", SocketTraceLayout.Header.COMM));
            Map<String, Integer> socket = new LinkedHashMap<>();
            socket.put("socket_id", SocketTraceLayout.Socket.SOCKET_ID);
            socket.put("seq", SocketTraceLayout.Socket.SEQ);
            socket.put("fd", SocketTraceLayout.Socket.FD);
            socket.put("netns", SocketTraceLayout.Socket.NETNS);
            socket.put("length", SocketTraceLayout.Socket.LENGTH);
            socket.put("captured", SocketTraceLayout.Socket.CAPTURED);
            socket.put("family", SocketTraceLayout.Socket.FAMILY);
            socket.put("sock_type", SocketTraceLayout.Socket.SOCK_TYPE);
            socket.put("local_port", SocketTraceLayout.Socket.LOCAL_PORT);
            socket.put("remote_port", SocketTraceLayout.Socket.REMOTE_PORT);
            socket.put("local_addr", SocketTraceLayout.Socket.LOCAL_ADDR);
            socket.put("remote_addr", SocketTraceLayout.Socket.REMOTE_ADDR);
            socket.put("direction", SocketTraceLayout.Socket.DIRECTION);
            socket.put("role", SocketTraceLayout.Socket.ROLE);
            socket.put("syscall", SocketTraceLayout.Socket.SYSCALL);
            check(raw, "fs_socket_event", SocketTraceLayout.Socket.BYTES, socket);
            check(raw, "fs_process_event", SocketTraceLayout.Process.BYTES, Map.of("ppid", SocketTraceLayout.Process.PPID,
                    "child_pid", SocketTraceLayout.Process.CHILD_PID, "exit_code", SocketTraceLayout.Process.EXIT_CODE,
                    "filename_len", SocketTraceLayout.Process.FILENAME_LEN, "filename", SocketTraceLayout.Process.FILENAME,
                    "cgroup_id", SocketTraceLayout.Process.CGROUP_ID, "args_len", SocketTraceLayout.Process.ARGS_LEN,
                    "args_full_len", SocketTraceLayout.Process.ARGS_FULL_LEN, "args", SocketTraceLayout.Process.ARGS));
            check(raw, "fs_config", SocketTraceLayout.Config.BYTES, Map.of("payload_max", SocketTraceLayout.Config.PAYLOAD_MAX,
                    "self_tgid", SocketTraceLayout.Config.SELF_TGID, "wakeup_bytes", SocketTraceLayout.Config.WAKEUP_BYTES,
                    "use_perf", SocketTraceLayout.Config.USE_PERF, "filter_pids", SocketTraceLayout.Config.FILTER_PIDS,
                    "filter_comms", SocketTraceLayout.Config.FILTER_COMMS, "filter_cgroups", SocketTraceLayout.Config.FILTER_CGROUPS,
                    "filter_ports", SocketTraceLayout.Config.FILTER_PORTS, "inflight_in_task", SocketTraceLayout.Config.INFLIGHT_IN_TASK,
                    "task_btf", SocketTraceLayout.Config.TASK_BTF));
            assertThat(raw).as("fs_config is the whole .rodata, so the loader writes it at offset 0")
                    .containsPattern("DATASEC '\\.rodata' size=\\d+ vlen=1\\n\\ttype_id=\\d+ offset=0 size=24 \\(VAR 'fs_config'\\)");
        }
    }

    /** A struct's size and its members' byte offsets, as bpftool prints them. */
    private static void check(String raw, String struct, int size, Map<String, Integer> offsets) {
        Matcher head = Pattern.compile("STRUCT '" + struct + "' size=(\\d+) vlen=(\\d+)\\n((?:\\t[^\\n]*\\n)*)").matcher(raw);
        assertThat(head.find()).as(struct + " in the object's BTF").isTrue();
        assertThat(Integer.parseInt(head.group(1))).as("size of " + struct).isEqualTo(size);
        Map<String, Integer> actual = new LinkedHashMap<>();
        Matcher member = Pattern.compile("'(\\w+)' type_id=\\d+ bits_offset=(\\d+)").matcher(head.group(3));
        while (member.find()) {
            actual.put(member.group(1), Integer.parseInt(member.group(2)) / 8);
        }
        offsets.forEach((name, offset) -> assertThat(actual.get(name)).as(struct + "." + name).isEqualTo(offset));
    }
}
