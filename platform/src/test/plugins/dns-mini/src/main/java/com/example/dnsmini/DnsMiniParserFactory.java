package com.example.dnsmini;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.ResponseStatus;
import io.flowscope.api.Transport;
import java.nio.ByteBuffer;
import java.util.Set;
import org.pf4j.Extension;

/**
 * A minimal DNS parser: one question per message; the id pairs a query with its answer (the host pairs
 * by stream id). Datagram mode: each call is one whole message.
 */
@Extension
public final class DnsMiniParserFactory implements ProtocolParserFactory {

    static final String ID = "dns-mini";

    @Override
    public ProtocolDescriptor descriptor() {
        return ProtocolDescriptor.builder(ID).displayName("DNS (mini)").transport(Transport.UDP).defaultPorts(Set.of(53))
                .version("1.0.0").l7ProtocolId(120).maxStateBytes(2048).priority(10).build();
    }

    @Override
    public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
        if (first.remaining() < 12) {
            return first.hasRemaining() ? Detection.NO_MATCH : Detection.NEED_MORE_DATA;
        }
        int p = first.position();
        int flags = first.getShort(p + 2) & 0xffff;
        int questions = first.getShort(p + 4) & 0xffff;
        boolean response = (flags & 0x8000) != 0;
        int opcode = (flags >> 11) & 0xf;
        boolean rightWay = response == (direction == Direction.SERVER_TO_CLIENT);
        return rightWay && opcode == 0 && questions == 1 && name(first, p + 12) != null ? Detection.MATCH : Detection.NO_MATCH;
    }

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new ProtocolParser() {
            @Override
            public void onData(Direction direction, ByteBuffer data, long ts) {
                onDatagram(direction, data, ts, false);
            }

            @Override
            public void onDatagram(Direction direction, ByteBuffer d, long ts, boolean truncated) {
                int p = d.position();
                int len = d.remaining();
                if (len < 12) {
                    return; // not even a header: nothing to report
                }
                int id = d.getShort(p) & 0xffff;
                int flags = d.getShort(p + 2) & 0xffff;
                boolean response = (flags & 0x8000) != 0;
                String name = name(d, p + 12);
                L7Message.Builder m = response ? L7Message.response(ID) : L7Message.request(ID);
                m.streamId(id).time(ts, ts).bytes(len).version("dns");
                if (name == null) {
                    context.reportProblem("bad_question", "a question name runs past the message");
                    m.status(ResponseStatus.PARSE_FAILED);
                } else {
                    int end = p + 12 + nameLength(d, p + 12);
                    String type = end + 2 <= p + len ? type(d.getShort(end) & 0xffff) : null;
                    m.domain(name).resource(name).operation(type);
                }
                if (response) {
                    int rcode = flags & 0xf;
                    m.statusCode(rcode).status(rcode == 0 ? ResponseStatus.OK
                            : rcode == 2 ? ResponseStatus.SERVER_ERROR : ResponseStatus.CLIENT_ERROR);
                    if (rcode == 3) {
                        m.exception("NXDOMAIN");
                    }
                }
                if (truncated) {
                    m.attributes(java.util.Map.of("capture", "incomplete"));
                }
                context.sink().emit(m.build());
            }

            @Override
            public void onGap(Direction direction, long lostBytes) {
            }

            @Override
            public void onClose() {
            }

            @Override
            public long retainedBytes() {
                return 0;
            }
        };
    }

    /** The dotted name at {@code p} (labels only; compression pointers are not followed), or null if malformed. */
    static String name(ByteBuffer d, int p) {
        StringBuilder sb = new StringBuilder();
        int limit = d.limit();
        while (p < limit) {
            int n = d.get(p) & 0xff;
            if (n == 0) {
                return sb.length() == 0 ? "." : sb.toString();
            }
            if (n > 63 || p + 1 + n > limit || sb.length() > 253) {
                return null;
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            for (int i = 1; i <= n; i++) {
                sb.append((char) (d.get(p + i) & 0xff));
            }
            p += 1 + n;
        }
        return null;
    }

    static int nameLength(ByteBuffer d, int p) {
        int start = p;
        while (p < d.limit() && d.get(p) != 0) {
            p += 1 + (d.get(p) & 0xff);
        }
        return p - start + 1;
    }

    static String type(int t) {
        return switch (t) {
            case 1 -> "A";
            case 28 -> "AAAA";
            case 5 -> "CNAME";
            case 15 -> "MX";
            case 16 -> "TXT";
            default -> "TYPE" + t;
        };
    }
}
