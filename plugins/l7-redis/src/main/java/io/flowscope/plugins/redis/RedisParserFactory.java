package io.flowscope.plugins.redis;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.Transport;
import java.nio.ByteBuffer;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Redis (RESP2, RESP3), detected from the client's first command: {@code *N\r\n$M\r\n} and a command name. The
 * server never speaks first, and its replies ({@code +OK}) look like other protocols' (POP3), so its bytes are
 * never taken as proof. The port is only a hint.
 */
@Extension
public final class RedisParserFactory implements ProtocolParserFactory {

    /** Protocol id used in summaries and the API. */
    public static final String PROTOCOL = "redis";

    static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(PROTOCOL).displayName("Redis")
            .transport(Transport.TCP).defaultPorts(Set.of(6379, 6380, 26379)).version("1.0.0").l7ProtocolId(80)
            // a strict detector (an array of bulk strings whose first is a command name)
            .maxStateBytes(RedisParser.MAX_STATE_BYTES).priority(5).build();

    @Override
    public ProtocolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
        if (direction != Direction.CLIENT_TO_SERVER) {
            return Detection.NO_MATCH;
        }
        if (first.hasRemaining() && first.get(first.position()) != '*') {
            return detectInline(first);
        }
        return detectCommand(first);
    }

    /** Words that are commands of memcached's text protocol too: inline, they prove nothing. */
    private static final Set<String> MEMCACHED = Set.of("GET", "GETS", "SET", "ADD", "REPLACE", "APPEND", "PREPEND",
            "CAS", "DELETE", "INCR", "DECR", "TOUCH", "GAT", "GATS", "STATS", "FLUSH_ALL", "VERSION", "VERBOSITY",
            "QUIT");

    /** An inline command ({@code PING\r\n}, {@code INFO server\r\n}): a Redis command name, then a space or CRLF. */
    static Detection detectInline(ByteBuffer b) {
        int p = b.position();
        int n = Math.min(b.remaining(), Commands.MAX_NAME + 1);
        byte[] upper = new byte[Commands.MAX_NAME];
        for (int i = 0; i < n; i++) {
            byte c = b.get(p + i);
            if (c == ' ' || c == '\r' || c == '\n') {
                int slot = Commands.find(upper, i);
                return slot >= 0 && !MEMCACHED.contains(Commands.name(slot)) ? Detection.MATCH : Detection.NO_MATCH;
            }
            if (i == Commands.MAX_NAME || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return Detection.NO_MATCH;
            }
            upper[i] = (byte) (c & 0xdf);
        }
        return Detection.NEED_MORE_DATA;
    }

    /** {@code *<1-7 digits>\r\n$<1-2 digits>\r\n<letters>}: the start of a command. */
    static Detection detectCommand(ByteBuffer b) {
        int p = b.position();
        int n = b.remaining();
        int i = 0;
        if (i == n) {
            return Detection.NEED_MORE_DATA;
        }
        if (b.get(p) != '*') {
            return Detection.NO_MATCH;
        }
        i++;
        int digits = 0;
        while (i < n && b.get(p + i) >= '0' && b.get(p + i) <= '9') {
            i++;
            digits++;
        }
        if (digits > 7) {
            return Detection.NO_MATCH;
        }
        if (i == n) {
            return Detection.NEED_MORE_DATA;
        }
        if (digits == 0) {
            return Detection.NO_MATCH;
        }
        if (!expect(b, p, n, i, "\r\n$")) {
            return i + 3 > n && prefixOf(b, p, n, i, "\r\n$") ? Detection.NEED_MORE_DATA : Detection.NO_MATCH;
        }
        i += 3;
        long len = 0;
        digits = 0;
        while (i < n && b.get(p + i) >= '0' && b.get(p + i) <= '9') {
            len = len * 10 + (b.get(p + i) - '0');
            i++;
            digits++;
        }
        if (digits > 2) {
            return Detection.NO_MATCH;
        }
        if (i == n) {
            return Detection.NEED_MORE_DATA;
        }
        if (digits == 0 || len == 0 || len > Commands.MAX_NAME || !expect(b, p, n, i, "\r\n")) {
            return i + 2 > n && digits > 0 && prefixOf(b, p, n, i, "\r\n") ? Detection.NEED_MORE_DATA : Detection.NO_MATCH;
        }
        i += 2;
        for (int k = 0; k < len; k++) {
            if (i + k == n) {
                return k >= 3 ? Detection.MATCH : Detection.NEED_MORE_DATA;
            }
            byte c = b.get(p + i + k);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!letter && !(k > 0 && (c == '_' || c == '-' || c == '|' || c == '.' || (c >= '0' && c <= '9')))) {
                return Detection.NO_MATCH;
            }
        }
        return Detection.MATCH;
    }

    private static boolean expect(ByteBuffer b, int p, int n, int i, String s) {
        if (i + s.length() > n) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (b.get(p + i + k) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean prefixOf(ByteBuffer b, int p, int n, int i, String s) {
        for (int k = 0; i + k < n && k < s.length(); k++) {
            if (b.get(p + i + k) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new RedisParser(context);
    }
}
