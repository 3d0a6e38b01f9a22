package io.flowscope.api;

import java.nio.ByteBuffer;

/**
 * Parses one connection (or one UDP flow) of one protocol. Created by
 * {@link ProtocolParserFactory#newParser(ParserContext)}, driven by one host thread at a time.
 *
 * <p>Bytes arrive in order per direction; chunks may split messages anywhere. The buffer handed to
 * {@link #onData} is only valid during the call: copy what must outlive it, and keep no reference.
 * A parser must never throw on any input: malformed bytes become a message with
 * {@link ResponseStatus#PARSE_FAILED} or are skipped. A parser that throws is disabled by the host.
 */
public interface ProtocolParser {

    /**
     * Next bytes of one direction.
     *
     * @param direction       which way these bytes travel
     * @param data            the bytes, from {@code position()} to {@code limit()}; read-only, valid during the call
     * @param timestampMicros capture time of the packet or syscall that carried them, µs since the epoch (UTC)
     */
    void onData(Direction direction, ByteBuffer data, long timestampMicros);

    /**
     * Bytes of one direction that were lost (not captured, or dropped by reassembly). The next
     * {@link #onData} of this direction continues after the hole.
     */
    void onGap(Direction direction, long lostBytes);

    /** The connection closed (FIN or RST seen, socket closed, or the capture ended). Emit what is complete. */
    void onClose();

    /** The connection was idle too long and is being dropped. Emit what is complete. */
    default void onExpire() {
        onClose();
    }

    /**
     * Bytes this parser currently holds for its connection (buffers, queues). Must stay within the
     * descriptor's {@link ProtocolDescriptor#maxStateBytes()}.
     */
    long retainedBytes();
}
