package io.flowscope.plugins.dns;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import java.nio.ByteBuffer;

/**
 * One UDP flow of DNS: every datagram is one message, a query or a response carrying the DNS id as its stream id,
 * so that the host pairs by id (several queries in flight on one socket, answered in any order). It holds nothing
 * between datagrams.
 */
final class DnsDatagramParser implements ProtocolParser {

    private final ParserContext context;

    DnsDatagramParser(ParserContext context) {
        this.context = context;
    }

    @Override
    public void onDatagram(Direction direction, ByteBuffer datagram, long timestampMicros, boolean truncated) {
        int len = datagram.remaining();
        L7Message m = DnsDecoder.get().decode(datagram, datagram.position(), len, truncated, timestampMicros,
                timestampMicros, len, DnsParserFactory.PROTOCOL, context);
        if (m != null) {
            context.sink().emit(m);
        }
    }

    /** Not called for a UDP protocol; bytes given this way are taken as one datagram. */
    @Override
    public void onData(Direction direction, ByteBuffer data, long timestampMicros) {
        onDatagram(direction, data, timestampMicros, false);
    }

    @Override
    public void onGap(Direction direction, long lostBytes) {
        // datagrams: a lost one is simply not delivered
    }

    @Override
    public void onClose() {
    }

    @Override
    public long retainedBytes() {
        return 0;
    }
}
