package io.flowscope.platform.store;

import io.flowscope.api.ResponseStatus;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Which log rows to read, in terms every store understands: a time range, an address, a port, equalities on a
 * closed set of fields, and a page. Callers never pass SQL; each store renders this in its own dialect. A null
 * component sets no condition.
 *
 * @param fromMicros rows still alive at or after this instant ({@code end_time >= from}), epoch µs
 * @param toMicros   rows started at or before this instant ({@code start_time <= to}), epoch µs
 * @param ip         either side's address
 * @param port       either side's port
 * @param equal      fields and the value each must have
 * @param limit      rows of the page, at least 1
 * @param offset     rows skipped before the page
 */
public record LogQuery(Long fromMicros, Long toMicros, Ip ip, Integer port, Map<Field, Object> equal, int limit,
        int offset) {

    /** The fields a query can require a value of, with the type of that value. */
    public enum Field {
        /** IP protocol number (6 TCP, 17 UDP …). */
        PROTOCOL(Integer.class),
        /** The protocol id of the plugin that parsed a request ({@code http1}). */
        L7_PROTOCOL_NAME(String.class),
        RESPONSE_STATUS(ResponseStatus.class),
        /** The protocol's own response code (the HTTP status …). */
        RESPONSE_CODE(Integer.class);

        private final Class<?> type;

        Field(Class<?> type) {
            this.type = type;
        }
    }

    /** An address as the tables hold it. */
    public sealed interface Ip permits Ip.V4, Ip.V6 {

        /** @param value the address as an unsigned 32-bit number */
        record V4(long value) implements Ip {
            public V4 {
                if (value < 0 || value > 0xFFFF_FFFFL) {
                    throw new IllegalArgumentException(value + " is not an IPv4 address");
                }
            }
        }

        /** @param text any IPv6 literal; kept in the stored form (RFC 5952, {@code 2001:db8::1}) */
        record V6(String text) implements Ip {
            public V6 {
                String normal = Addresses.normaliseIpv6(text);
                if (normal == null) {
                    throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
                }
                text = normal;
            }
        }

        /** The address an IPv4 or IPv6 literal names, or null when it is neither. */
        static Ip parse(String text) {
            long v4 = Addresses.parseIpv4(text);
            if (v4 >= 0) {
                return new V4(v4);
            }
            String v6 = Addresses.normaliseIpv6(text);
            return v6 == null ? null : new V6(v6);
        }
    }

    public LogQuery {
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException("limit must be at least 1 and offset not negative: " + limit + ", " + offset);
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException(port + " is not a port number");
        }
        Map<Field, Object> copy = new EnumMap<>(Field.class);
        (equal == null ? Map.<Field, Object>of() : equal).forEach((f, v) -> {
            if (!f.type.isInstance(v)) {
                throw new IllegalArgumentException(f + " takes a " + f.type.getSimpleName() + ", not " + v);
            }
            copy.put(f, v);
        });
        equal = Collections.unmodifiableMap(copy);
    }

    /** All rows, one page of them. */
    public static LogQuery page(int limit, int offset) {
        return new LogQuery(null, null, null, null, Map.of(), limit, offset);
    }

    public LogQuery withFrom(Long micros) {
        return new LogQuery(micros, toMicros, ip, port, equal, limit, offset);
    }

    public LogQuery withTo(Long micros) {
        return new LogQuery(fromMicros, micros, ip, port, equal, limit, offset);
    }

    public LogQuery withIp(Ip address) {
        return new LogQuery(fromMicros, toMicros, address, port, equal, limit, offset);
    }

    public LogQuery withPort(Integer p) {
        return new LogQuery(fromMicros, toMicros, ip, p, equal, limit, offset);
    }

    /** This query, with {@code field} required to be {@code value}; a null value leaves the field free. */
    public LogQuery withEqual(Field field, Object value) {
        Map<Field, Object> e = new EnumMap<>(Field.class);
        e.putAll(equal);
        if (value == null) {
            e.remove(field);
        } else {
            e.put(field, value);
        }
        return new LogQuery(fromMicros, toMicros, ip, port, e, limit, offset);
    }
}
