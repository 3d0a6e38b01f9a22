package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.Privileged;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;

/**
 * The socket-trace program in the running kernel: loaded with its configuration, every hook attached, and a
 * loopback TCP exchange of this process (selected by the pid filter) seen as open, data and close events
 * with the right tuple, roles, direction, sequence numbers and payload, read from the ring buffer in place.
 */
@Privileged
class SocketTraceProgramTest {

    record Event(int type, int pid, long socketId, long seq, int direction, int role, int localPort, int remotePort,
                 int length, String payload) {
    }

    @Test
    void aLoopbackExchangeIsSeenFromBothSocketsInOrder() throws Exception {
        assertThat(Tracefs.ensureMounted()).isNull();
        int self = (int) ProcessHandle.current().pid();
        List<Event> events = new ArrayList<>();
        try (BpfObject o = BpfObject.open("socket_trace", SocketTraceObjects.bytes())) {
            o.setReadOnly(SocketTraceLayout.config(1024, 0, 1, false, true, false, false, false,
                    SocketTraceCollector.chooseInflightTable(o, true)));
            o.load();
            List<BpfObject.Attachment> attached = o.attachAll();
            assertThat(attached).as("every hook attaches on this kernel").allMatch(BpfObject.Attachment::attached);
            assertThat(attached).hasSize(32);
            try (Memory key = new Memory(4); Memory one = new Memory(1)) {
                key.setInt(0, self);
                one.setByte(0, (byte) 1);
                assertThat(LibBpf.bpf_map_update_elem(o.mapFd("pid_filter"), key, one, 0)).isZero();
            }
            try (RingBufferReader ring = new RingBufferReader(o.mapFd("events"), 8 << 20)) {
                int port;
                try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                    port = server.getLocalPort();
                    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Socket accepted = server.accept()) {
                        OutputStream out = client.getOutputStream();
                        out.write("GET /hello HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        InputStream in = accepted.getInputStream();
                        byte[] buf = new byte[100];
                        int n = in.read(buf);
                        accepted.getOutputStream().write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        int m = client.getInputStream().read(buf);
                        assertThat(n + m).isPositive();
                    }
                }
                long end = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < end) {
                    ring.poll((b, off, len) -> events.add(event(b, off)), 100);
                    if (events.stream().filter(e -> e.type() == SocketTraceLayout.EVENT_CLOSE).count() >= 2) {
                        break;
                    }
                }
                List<Event> ours = events.stream().filter(e -> e.localPort() == port || e.remotePort() == port).toList();
                assertThat(ours).extracting(e -> e.type() + " " + e.role() + " " + e.direction() + " " + e.seq() + " "
                                + e.length() + " " + e.payload())
                        .as("connect, accept, request written and read, response written and read, both closes")
                        .containsSubsequence(
                                "2 1 0 0 0 ", // connect: client
                                "1 1 0 0 23 GET /hello HTTP/1.1\r\n\r\n")
                        .contains("2 2 0 0 0 ", "1 2 1 0 23 GET /hello HTTP/1.1\r\n\r\n",
                                "1 2 0 0 27 HTTP/1.1 204 No Content\r\n\r\n", "1 1 1 0 27 HTTP/1.1 204 No Content\r\n\r\n");
                assertThat(ours).allMatch(e -> e.pid() == self);
                assertThat(ours.stream().filter(e -> e.type() == SocketTraceLayout.EVENT_CLOSE)).hasSize(2);
                // the client's socket id is on its events, the server's on its own
                long clientId = ours.stream().filter(e -> e.role() == 1).findFirst().orElseThrow().socketId();
                long serverId = ours.stream().filter(e -> e.role() == 2).findFirst().orElseThrow().socketId();
                assertThat(clientId).isNotEqualTo(serverId);
                assertThat(ours).filteredOn(e -> e.remotePort() == port).allMatch(e -> e.socketId() == clientId);
            }
        }
    }

    static Event event(ByteBuffer b, int off) {
        ByteBuffer e = b.duplicate().order(ByteOrder.nativeOrder());
        int type = e.getInt(off + SocketTraceLayout.Header.TYPE);
        int captured = type <= SocketTraceLayout.EVENT_CLOSE ? e.getInt(off + SocketTraceLayout.Socket.CAPTURED) : 0;
        byte[] payload = new byte[captured];
        e.get(off + SocketTraceLayout.Socket.BYTES, payload);
        if (type > SocketTraceLayout.EVENT_CLOSE) {
            return new Event(type, e.getInt(off + SocketTraceLayout.Header.PID), 0, 0, 0, 0, 0, 0, 0, "");
        }
        return new Event(type, e.getInt(off + SocketTraceLayout.Header.PID), e.getLong(off + SocketTraceLayout.Socket.SOCKET_ID),
                e.getLong(off + SocketTraceLayout.Socket.SEQ), e.get(off + SocketTraceLayout.Socket.DIRECTION),
                e.get(off + SocketTraceLayout.Socket.ROLE), e.getShort(off + SocketTraceLayout.Socket.LOCAL_PORT) & 0xffff,
                e.getShort(off + SocketTraceLayout.Socket.REMOTE_PORT) & 0xffff, e.getInt(off + SocketTraceLayout.Socket.LENGTH),
                new String(payload, StandardCharsets.US_ASCII));
    }
}
