package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.ebpf.SocketTraceLayout.Header;
import io.flowscope.platform.ebpf.SocketTraceLayout.Socket;
import io.flowscope.platform.pipeline.SocketInput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The connection table of the socket side is bounded: ten times its capacity of sockets that start and never
 * close leave at most the capacity open, the quietest ended and counted, and every one ended is told to the
 * pipeline (nothing silently forgotten).
 */
class SocketEventsBoundsTest {

    @Test
    void moreSocketsThanTheCapacityEndTheQuietestAndCountThem() {
        Set<Long> open = new HashSet<>();
        long[] closed = {0};
        SocketInput input = new SocketInput() {
            @Override
            public void open(long socketId, Connection.Builder connection, long tsMicros) {
                open.add(socketId);
            }

            @Override
            public void data(long socketId, int side, ByteBuffer buffer, int offset, int captured, int length, long tsMicros) {
            }

            @Override
            public void process(long socketId, int side, int pid, int tid, String name) {
            }

            @Override
            public void gap(long socketId, int side, long lostBytes) {
            }

            @Override
            public void close(long socketId, long tsMicros) {
                assertThat(open.remove(socketId)).as("only open connections are ended").isTrue();
                closed[0]++;
            }
        };
        int capacity = 100;
        SocketEvents events = new SocketEvents(input, capacity);
        ByteBuffer b = ByteBuffer.allocate(Socket.BYTES).order(ByteOrder.nativeOrder());
        long ns = System.nanoTime();
        for (int i = 0; i < 10 * capacity; i++) {
            b.clear();
            b.put(new byte[Socket.BYTES]);
            b.putInt(Header.TYPE, SocketTraceLayout.EVENT_OPEN);
            b.putInt(Header.SIZE, Socket.BYTES);
            b.putLong(Header.TS_NS, ns + i * 1_000L);
            b.putInt(Header.PID, 4242);
            b.putInt(Header.TID, 4242);
            b.putLong(Socket.SOCKET_ID, i + 1);
            b.putShort(Socket.FAMILY, (short) 2);
            b.putShort(Socket.SOCK_TYPE, (short) 1);
            b.putShort(Socket.LOCAL_PORT, (short) (10_000 + i));
            b.putShort(Socket.REMOTE_PORT, (short) 80);
            b.put(Socket.LOCAL_ADDR, (byte) 127);
            b.put(Socket.LOCAL_ADDR + 3, (byte) 1);
            b.put(Socket.REMOTE_ADDR, (byte) 10);
            b.put(Socket.REMOTE_ADDR + 2, (byte) (i >> 8));
            b.put(Socket.REMOTE_ADDR + 3, (byte) i);
            b.put(Socket.ROLE, (byte) 1);
            b.put(Socket.SYSCALL, (byte) 12);
            events.event(b, 0);
        }
        assertThat(events.connections()).isLessThanOrEqualTo(capacity);
        assertThat(events.evictions()).isGreaterThanOrEqualTo(9L * capacity).isEqualTo(closed[0]);
        assertThat(open).hasSize(events.connections());
    }
}
