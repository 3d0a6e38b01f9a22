package io.flowscope.api;

import java.nio.ByteBuffer;

/**
 * Parses one connection (or one UDP flow) of one protocol. Created by
 * {@link ProtocolParserFactory#newParser(ParserContext)}, driven by one host thread at a time.
 *
 * <p>TCP protocols get bytes in order per direction through {@link #onData}; chunks may split messages
 * anywhere. UDP protocols get each datagram whole through {@link #onDatagram}. Buffers are only valid
 * during the call: copy what must outlive it, and keep no reference. A parser should never throw on any
 * input: malformed bytes become a message with {@link ResponseStatus#PARSE_FAILED} or are skipped. If it
 * throws anyway, the host ends L7 for that connection and counts the failure against the plugin.
 */
public interface ProtocolParser {

    /**
     * Next bytes of one direction (stream protocols).
     *
     * @param direction       which way these bytes travel
     * @param data            the bytes, from {@code position()} to {@code limit()}; read-only, valid during the call
     * @param timestampMicros capture time of the packet or syscall that carried them, µs since the epoch (UTC)
     */
    void onData(Direction direction, ByteBuffer data, long timestampMicros);

    /**
     * One whole datagram (UDP protocols). The default hands it to {@link #onData} as one chunk.
     *
     * @param truncated whether the datagram was cut (snap length, syscall capture size): its end is missing
     */
    default void onDatagram(Direction direction, ByteBuffer datagram, long timestampMicros, boolean truncated) {
        onData(direction, datagram, timestampMicros);
    }

    /**
     * Bytes of one direction that were lost (not captured, or given up by reassembly). The next
     * {@link #onData} of this direction continues after the hole: resynchronise on it.
     */
    void onGap(Direction direction, long lostBytes);

    /** The connection closed (FIN or RST seen, socket closed, or the capture ended). Emit what is complete. */
    void onClose();

    /** The connection was idle too long, or the host needs its memory back, and it is being dropped. Emit what is complete. */
    default void onExpire() {
        onClose();
    }

    /**
     * Bytes this parser currently holds for its connection (buffers, queues). Must stay within the
     * descriptor's {@link ProtocolDescriptor#maxStateBytes()}; the host uses it for its memory budget.
     */
    long retainedBytes();
}
