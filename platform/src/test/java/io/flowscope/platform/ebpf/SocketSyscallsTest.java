package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.PrivilegedCondition;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The less common socket syscalls, driven by a Python peer (syscall_peer.py): writev/readv and
 * sendmsg/recvmsg with several vectors over TCP, sendmmsg/recvmmsg with four datagrams over UDP. Each payload
 * arrives complete and in order, from the writing and from the reading side, through both transports.
 */
@Privileged(programs = "python3")
class SocketSyscallsTest {

    static final int WRITEV = 4;
    static final int READV = 3;
    static final int SENDMSG = 7;
    static final int RECVMSG = 8;
    static final int SENDMMSG = 9;
    static final int RECVMMSG = 10;

    record Data(int syscall, int direction, String payload) {
    }

    @ParameterizedTest(name = "perf buffer: {0}")
    @ValueSource(booleans = {false, true})
    void vectorsMessagesAndMultipleMessagesArriveWholeAndInOrder(boolean perf) throws Exception {
        assertThat(Tracefs.ensureMounted()).isNull();
        List<Data> seen = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        try (BpfObject o = BpfObject.open("socket_trace", SocketTraceObjects.bytes())) {
            // the perf transport with the in-flight hash: what a kernel before 5.8 runs
            boolean inTask = SocketTraceCollector.chooseInflightTable(o, !perf);
            o.setReadOnly(SocketTraceLayout.config(1024, 0, 1, perf, true, false, false, false, inTask));
            if (perf) {
                o.setAutocreate("events", false);
            }
            o.load();
            assertThat(o.attachAll()).allMatch(BpfObject.Attachment::attached);
            try (EventTransport t = perf ? new PerfBufferReader(o.mapFd("perf_events"), 64)
                    : new RingBufferReader(o.mapFd("events"), 8 << 20)) {
                Process peer = new ProcessBuilder(PrivilegedCondition.which("python3"),
                        "src/test/resources/ebpf/syscall_peer.py").redirectErrorStream(true).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
                int pid = Integer.parseInt(out.readLine().trim());
                try (Memory key = new Memory(4); Memory one = new Memory(1)) {
                    key.setInt(0, pid);
                    one.setByte(0, (byte) 1);
                    assertThat(LibBpf.bpf_map_update_elem(o.mapFd("pid_filter"), key, one, 0)).isZero();
                }
                OutputStream go = peer.getOutputStream();
                go.write('\n');
                go.flush();
                for (String line; (line = out.readLine()) != null && !line.equals("done"); ) {
                    sent.add(line);
                }
                assertThat(peer.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(peer.exitValue()).as(String.join("\n", sent)).isZero();
                long end = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < end && seen.size() < 12) {
                    t.poll((b, off, len) -> {
                        ByteBuffer e = b.duplicate().order(ByteOrder.nativeOrder());
                        if (e.getInt(off) == SocketTraceLayout.EVENT_DATA) {
                            byte[] p = new byte[e.getInt(off + SocketTraceLayout.Socket.CAPTURED)];
                            e.get(off + SocketTraceLayout.Socket.BYTES, p);
                            seen.add(new Data(e.get(off + SocketTraceLayout.Socket.SYSCALL),
                                    e.get(off + SocketTraceLayout.Socket.DIRECTION), HexFormat.of().formatHex(p)));
                        }
                    }, 100);
                }
            }
        }
        String writev = hex(sent, "writev");
        String sendmsg = hex(sent, "sendmsg");
        List<String> datagrams = sent.stream().filter(l -> l.startsWith("sendmmsg ")).map(l -> l.substring(9)).toList();
        assertThat(datagrams).hasSize(4);
        List<String> expected = new ArrayList<>(List.of(
                new Data(WRITEV, 0, writev).toString(), new Data(READV, 1, writev).toString(),
                new Data(SENDMSG, 0, sendmsg).toString(), new Data(RECVMSG, 1, sendmsg).toString()));
        datagrams.forEach(d -> expected.add(new Data(SENDMMSG, 0, d).toString()));
        datagrams.forEach(d -> expected.add(new Data(RECVMMSG, 1, d).toString()));
        assertThat(seen).extracting(Data::toString).containsExactlyElementsOf(expected);
    }

    private static String hex(List<String> sent, String kind) {
        return sent.stream().filter(l -> l.startsWith(kind + " ")).findFirst().orElseThrow().substring(kind.length() + 1);
    }
}
