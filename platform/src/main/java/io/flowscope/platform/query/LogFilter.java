package io.flowscope.platform.query;

import io.flowscope.platform.store.Addresses;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Builds the WHERE clause and its parameters shared by /flows and /requests. */
final class LogFilter {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private final StringBuilder where = new StringBuilder(" WHERE 1=1");
    private final List<Object> params = new ArrayList<>();

    String where() {
        return where.toString();
    }

    List<Object> params() {
        return params;
    }

    /** Rows whose [start_time, end_time] overlaps [from, to]. */
    LogFilter timeRange(String from, String to) {
        if (from != null) {
            where.append(" AND end_time >= make_timestamp(?)");
            params.add(micros(from, "from"));
        }
        if (to != null) {
            where.append(" AND start_time <= make_timestamp(?)");
            params.add(micros(to, "to"));
        }
        return this;
    }

    /** Rows where either side has this address. */
    LogFilter ip(String ip) {
        if (ip == null) {
            return this;
        }
        long v4 = Addresses.parseIpv4(ip);
        if (v4 >= 0) {
            where.append(" AND (ip4_0 = ? OR ip4_1 = ?)");
            params.add(v4);
            params.add(v4);
            return this;
        }
        String v6 = Addresses.normaliseIpv6(ip);
        if (v6 == null) {
            throw new BadQueryException("ip: '" + ip + "' is not an IPv4 or IPv6 address");
        }
        where.append(" AND (ip6_0 = ? OR ip6_1 = ?)");
        params.add(v6);
        params.add(v6);
        return this;
    }

    /** Rows where either port is this one. */
    LogFilter port(Integer port) {
        if (port != null) {
            if (port < 0 || port > 65535) {
                throw new BadQueryException("port: " + port + " is not a port number");
            }
            where.append(" AND (client_port = ? OR server_port = ?)");
            params.add(port);
            params.add(port);
        }
        return this;
    }

    /** An equality on a column the caller names (never user input). */
    LogFilter equal(String column, Object value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
        return this;
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

    /** The latest instant accepted: the end of 64-bit nanosecond time, as other tools and captures use it. */
    static final Instant LATEST = Instant.parse("2262-04-11T23:47:16Z");

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
