package io.flowscope.platform.pipeline;

import io.flowscope.platform.connection.Connection;
import java.nio.ByteBuffer;

/**
 * The pipeline's entry point for payload seen at sockets (the eBPF collector): ordered chunks of each
 * connection's bytes, with the process that read or wrote them, straight into L7 (no packets, no flow
 * table). Chunks of one connection and direction must come in order; a source that lost some says so
 * with {@link #gap}. Called on the pipeline's thread only.
 */
public interface SocketInput {

    /**
     * A connection starts. {@code connection} describes it (tuple, signal source, process); the pipeline
     * gives it its row id. {@code socketId} is the source's own key for it.
     */
    void open(long socketId, Connection.Builder connection, long tsMicros);

    /**
     * A chunk of one direction (0 = from the client): {@code captured} bytes at {@code offset} of
     * {@code buffer} (valid during the call only) of a read or write of {@code length} bytes; what was not
     * captured is a gap.
     */
    void data(long socketId, int side, ByteBuffer buffer, int offset, int captured, int length, long tsMicros);

    /**
     * The process at one end of an open connection, learnt after it opened (both ends of a loopback connection
     * are traced: the second socket names the other process). Rows made from now on carry it.
     */
    void process(long socketId, int side, int pid, int tid, String name);

    /** Bytes of one direction that were lost on the way (a full ring buffer). */
    void gap(long socketId, int side, long lostBytes);

    /** The connection was closed. */
    void close(long socketId, long tsMicros);
}
