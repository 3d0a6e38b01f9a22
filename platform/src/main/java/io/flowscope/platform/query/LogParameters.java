package io.flowscope.platform.query;

import io.flowscope.platform.store.LogQuery;
import io.flowscope.platform.store.Page;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request parameters /flows and /requests share, checked and turned into a {@link LogQuery}, and the page
 * they answer with. A bad parameter is a 400 that names it.
 */
final class LogParameters {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    /** The latest instant accepted: the end of 64-bit nanosecond time, as other tools and captures use it. */
    static final Instant LATEST = Instant.parse("2262-04-11T23:47:16Z");

    private LogParameters() {
    }

    /** Rows that overlap [from, to], on either side's address or port, one page; each parameter may be null. */
    static LogQuery query(String from, String to, String ip, Integer port, Integer limit, Integer offset) {
        LogQuery q = LogQuery.page(limit(limit), offset(offset));
        return q.withFrom(from == null ? null : micros(from, "from"))
                .withTo(to == null ? null : micros(to, "to"))
                .withIp(ip == null ? null : ip(ip))
                .withPort(port == null ? null : port(port));
    }

    /** The response: the page's size and position, where the next one starts, and its rows. */
    static Map<String, Object> json(Page page) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", page.rows().size());
        out.put("limit", page.limit());
        out.put("offset", page.offset());
        out.put("next_offset", page.nextOffset());
        out.put("rows", page.rows());
        return out;
    }

    static LogQuery.Ip ip(String ip) {
        LogQuery.Ip address = LogQuery.Ip.parse(ip);
        if (address == null) {
            throw new BadQueryException("ip: '" + ip + "' is not an IPv4 or IPv6 address");
        }
        return address;
    }

    static int port(int port) {
        if (port < 0 || port > 65535) {
            throw new BadQueryException("port: " + port + " is not a port number");
        }
        return port;
    }

    static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadQueryException("limit: must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    static int offset(Integer offset) {
        if (offset == null) {
            return 0;
        }
        if (offset < 0) {
            throw new BadQueryException("offset: must not be negative");
        }
        return offset;
    }

    /** An ISO-8601 instant ({@code 2024-05-01T10:00:00Z}) or epoch seconds, as µs; 1970 to 2262 only. */
    static long micros(String s, String name) {
        Instant i;
        try {
            if (s.matches("\\d{1,12}(\\.\\d{1,6})?")) {
                int dot = s.indexOf('.');
                long sec = Long.parseLong(dot < 0 ? s : s.substring(0, dot));
                String frac = dot < 0 ? "" : (s.substring(dot + 1) + "00000").substring(0, 6);
                i = Instant.ofEpochSecond(sec, frac.isEmpty() ? 0 : Long.parseLong(frac) * 1000);
            } else {
                i = Instant.parse(s);
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadQueryException(name + ": '" + s + "' is neither an ISO-8601 instant nor epoch seconds");
        }
        if (i.isBefore(Instant.EPOCH) || i.isAfter(LATEST)) {
            throw new BadQueryException(name + ": '" + s + "' is outside 1970-01-01 to " + LATEST);
        }
        return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
    }
}
