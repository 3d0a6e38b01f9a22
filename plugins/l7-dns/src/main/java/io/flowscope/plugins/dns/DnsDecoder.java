package io.flowscope.plugins.dns;

import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Decodes one DNS message (RFC 1035 §4) into an {@link L7Message}: header, questions, the answer section's records
 * (written as {@code response_result}), the authority and additional sections (walked, checked; the OPT record of
 * RFC 6891 read for its UDP size, DO bit and extended rcode).
 *
 * <p>Hostile input is refused without harm: a name's compression pointers must point strictly before the labels
 * that led to them (so a chain of them always ends), at most {@link #MAX_POINTERS} of them; labels over 63 bytes,
 * names over 255 bytes, records or counts past the message end are each a counted problem. Nothing loops longer
 * than the message is long, and nothing throws.
 *
 * <p>One decoder serves one thread (see {@link #get()}): it holds scratch buffers and caches of names and results,
 * so that parsers of the many short UDP flows DNS makes (one per query, often) hold nothing themselves.
 */
final class DnsDecoder {

    static final int HEADER = 12;
    /** RFC 1035 §2.3.4: a name is at most 255 bytes on the wire. */
    static final int MAX_NAME_WIRE = 255;
    /** A name has at most 127 labels, so more pointers than that in one name are a loop or an attack. */
    static final int MAX_POINTERS = 127;
    /** The longest {@code response_result} written; answers past it are left out. */
    static final int MAX_RESULT = 1024;
    /** The longest {@code request_resource} written when a message has several questions. */
    static final int MAX_RESOURCE = 1024;

    // why a name could not be read (negative results of readName)
    static final int E_END = -1;
    static final int E_LABEL = -2;
    static final int E_LONG = -3;
    static final int E_FORWARD = -4;
    static final int E_OUT = -5;
    static final int E_POINTERS = -6;
    static final int E_RDATA = -7;

    private static final ThreadLocal<DnsDecoder> DECODERS = ThreadLocal.withInitial(DnsDecoder::new);

    /** The calling thread's decoder. */
    static DnsDecoder get() {
        return DECODERS.get();
    }

    /** A name in presentation form: labels joined by dots, escaped as dig escapes them (a byte can become four). */
    private final byte[] name = new byte[MAX_NAME_WIRE * 4 + 4];
    private int nameLen;
    /** The answers, each as text, separated by ';' as DeepFlow writes them. */
    private final byte[] text = new byte[MAX_RESULT];
    private int textLen;
    private boolean textFull;
    private final StringCache names = new StringCache(256);
    private final StringCache results = new StringCache(128);
    /** Request attributes of the last EDNS UDP size and DO bit met, kept because they repeat. */
    private int lastEdnsKey = -1;
    private Map<String, String> lastEdns;
    private final int[] groups = new int[8];
    /** Where the last failed read ended, for problem texts. */
    private int failedAt;

    private DnsDecoder() {
    }

    /** The message being decoded, copied out of the host's buffer in one go: plain array reads from then on. */
    private final byte[] wire = new byte[65536];

    /** Decodes the message at {@code b[at, at + len)} (absolute indexes): see the array form. */
    L7Message decode(ByteBuffer b, int at, int len, boolean truncated, long start, long end, long wireBytes,
                     String protocol, ParserContext ctx) {
        int n = Math.min(len, wire.length);
        b.get(at, wire, 0, n);
        return decode(wire, 0, n, truncated, start, end, wireBytes, protocol, ctx);
    }

    /** {@link #judge(byte[], int, int, int, int)} of the bytes at {@code b[at, at + avail)} (absolute indexes). */
    int judge(ByteBuffer b, int at, int avail, int length, int expectResponse) {
        int n = Math.min(Math.min(avail, length), wire.length);
        b.get(at, wire, 0, n);
        return judge(wire, 0, n, length, expectResponse);
    }

    /**
     * Decodes the message at {@code m[base, base + len)}.
     *
     * @param truncated the message's end was not captured: running out of bytes is expected, not a problem of it
     * @param wireBytes the message's size on the wire (for TCP with its length prefix)
     * @return the message, or null when it is not a DNS message at all (reported)
     */
    L7Message decode(byte[] m, int base, int len, boolean truncated, long start, long end, long wireBytes,
                     String protocol, ParserContext ctx) {
        if (len < HEADER) {
            ctx.reportProblem(truncated ? "truncated_message" : "message_too_short",
                    len + " bytes, less than a DNS header" + (truncated ? " (cut by the capture)" : ""));
            return null;
        }
        int id = u16(m, base);
        int flags = u16(m, base + 2);
        int qd = u16(m, base + 4);
        int an = u16(m, base + 6);
        int ns = u16(m, base + 8);
        int ar = u16(m, base + 10);
        boolean response = (flags & 0x8000) != 0;
        int opcode = (flags >>> 11) & 0xf;
        if (!DnsCodes.knownOpcode(opcode)) {
            ctx.reportProblem("bad_header", "opcode " + opcode + " is not one DNS defines");
            return null;
        }
        int pos = HEADER;
        int qtype = -1;
        int qclass = 1;
        String resource = null;
        int fail = 0;
        String failIn = null;
        for (int i = 0; i < qd; i++) {
            int r = readName(m, base, len, pos, true, false);
            if (r >= 0 && r + 4 > len) {
                failedAt = len;
                r = E_END;
            }
            if (r < 0) {
                fail = r;
                failIn = "question " + (i + 1);
                break;
            }
            String q = names.get(name, nameLen);
            if (i == 0) {
                qtype = u16(m, base + r);
                qclass = u16(m, base + r + 2);
                resource = q;
            } else if (resource.length() < MAX_RESOURCE) {
                resource = resource + ';' + q; // several questions: rare, joined as DeepFlow joins them
            }
            pos = r + 4;
        }
        if (qd > 0 && qtype < 0) {
            // not even a question: nothing to report a message about
            if (truncated) {
                ctx.reportProblem("truncated_message", "cut in its question, not parsed");
            } else {
                ctx.reportProblem(kind(fail), describe(fail, failIn));
            }
            return null;
        }
        textLen = 0;
        textFull = false;
        int ednsUdp = -1;
        boolean dnssecOk = false;
        int extendedRcode = 0;
        int sections = fail == 0 ? 3 : 0;
        records:
        for (int s = 0; s < sections; s++) {
            int count = s == 0 ? an : s == 1 ? ns : ar;
            for (int i = 0; i < count; i++) {
                int r = readName(m, base, len, pos, false, false);
                if (r >= 0 && r + 10 > len) {
                    failedAt = len;
                    r = E_END;
                }
                if (r < 0) {
                    fail = r;
                    failIn = SECTIONS[s] + " record " + (i + 1) + " of " + count;
                    break records;
                }
                int type = u16(m, base + r);
                int cls = u16(m, base + r + 2);
                int rdlen = u16(m, base + r + 8);
                int rd = r + 10;
                if (rd + rdlen > len) {
                    failedAt = len;
                    fail = E_END;
                    failIn = SECTIONS[s] + " record " + (i + 1) + " of " + count;
                    break records;
                }
                if (s == 0) {
                    int mark = textLen;
                    int a = answer(m, base, len, type, rd, rdlen);
                    if (a < 0) {
                        textLen = mark;
                        fail = a;
                        failIn = "answer " + (i + 1) + " (" + DnsCodes.type(type) + ")";
                        break records;
                    }
                } else if (s == 2 && type == DnsCodes.TYPE_OPT) {
                    ednsUdp = cls;
                    long ttl = u32(m, base + r + 4);
                    extendedRcode = (int) (ttl >>> 24);
                    dnssecOk = (ttl & 0x8000) != 0;
                }
                pos = rd + rdlen;
            }
        }

        L7Message.Builder out = response ? L7Message.response(protocol) : L7Message.request(protocol);
        out.streamId(id).time(start, end).bytes(wireBytes);
        if (qtype >= 0) {
            out.operation(DnsCodes.type(qtype)).resource(resource).endpoint(resource);
            if (qtype == DnsCodes.TYPE_A || qtype == DnsCodes.TYPE_AAAA) {
                out.domain(resource); // DeepFlow names the domain of address queries only
            }
        }
        if (response) {
            int rcode = (extendedRcode << 4) | (flags & 0xf);
            out.statusCode(rcode);
            out.status(rcode == 0 ? ResponseStatus.OK
                    : rcode == 1 || rcode == 3 ? ResponseStatus.CLIENT_ERROR : ResponseStatus.SERVER_ERROR);
            if (rcode != 0) {
                out.exception(DnsCodes.rcode(rcode));
            }
            if (textLen > 0) {
                out.result(results.get(text, textLen));
            }
            if ((flags & 0x0200) != 0) {
                out.attributes(TRUNCATED_BY_SERVER);
            }
        } else {
            Map<String, String> attrs = requestAttributes(opcode, qclass, ednsUdp, dnssecOk);
            if (attrs != null) {
                out.attributes(attrs);
            }
        }
        if (fail != 0) {
            if (truncated) {
                ctx.reportProblem("truncated_message", "cut in " + failIn + ", the rest not parsed");
            } else {
                String why = describe(fail, failIn);
                ctx.reportProblem(kind(fail), why);
                out.status(ResponseStatus.PARSE_FAILED).exception(why);
            }
        }
        return out.build();
    }

    private static final String[] SECTIONS = {"answer", "authority", "additional"};
    private static final Map<String, String> TRUNCATED_BY_SERVER = Map.of("tc", "1");

    private Map<String, String> requestAttributes(int opcode, int qclass, int ednsUdp, boolean dnssecOk) {
        if (opcode != 0 || (qclass & 0x7fff) != 1) {
            // rare: made each time
            java.util.LinkedHashMap<String, String> a = new java.util.LinkedHashMap<>();
            if (opcode != 0) {
                a.put("opcode", DnsCodes.opcode(opcode));
            }
            if ((qclass & 0x7fff) != 1) {
                a.put("qclass", DnsCodes.qclass(qclass));
            }
            if (ednsUdp >= 0) {
                a.put("edns", edns(ednsUdp, dnssecOk));
            }
            return a;
        }
        if (ednsUdp < 0) {
            return null;
        }
        int key = ednsUdp << 1 | (dnssecOk ? 1 : 0);
        if (key != lastEdnsKey) {
            lastEdnsKey = key;
            lastEdns = Map.of("edns", edns(ednsUdp, dnssecOk));
        }
        return lastEdns;
    }

    private static String edns(int udp, boolean dnssecOk) {
        return "udp=" + udp + (dnssecOk ? " do" : "");
    }

    /** Appends one answer's data to the result text; a negative error if its data is malformed. */
    private int answer(byte[] m, int base, int len, int type, int rd, int rdlen) {
        int mark = textLen;
        if (textLen > 0) {
            put((byte) ';');
        }
        switch (type) {
            case DnsCodes.TYPE_A -> {
                if (rdlen != 4) {
                    return E_RDATA;
                }
                for (int i = 0; i < 4; i++) {
                    if (i > 0) {
                        put((byte) '.');
                    }
                    decimal(m[base + rd + i] & 0xff);
                }
            }
            case DnsCodes.TYPE_AAAA -> {
                if (rdlen != 16) {
                    return E_RDATA;
                }
                ipv6(m, base + rd);
            }
            case DnsCodes.TYPE_CNAME, DnsCodes.TYPE_NS, DnsCodes.TYPE_PTR, DnsCodes.TYPE_DNAME, 3, 4, 7, 8, 9 -> {
                int e = nameInRdata(m, base, len, rd, rdlen);
                if (e < 0) {
                    return e;
                }
            }
            case DnsCodes.TYPE_SOA -> {
                // DeepFlow writes the primary server (MNAME); RNAME and the five numbers must be there too
                int r = nameInRdataEnd(m, base, len, rd, rd + rdlen, true);
                if (r < 0) {
                    return r;
                }
                int r2 = readName(m, base, len, r, false, false);
                if (r2 < 0 || r2 + 20 != rd + rdlen) {
                    return r2 < 0 ? r2 : E_RDATA;
                }
            }
            case DnsCodes.TYPE_MX -> {
                if (rdlen < 3) {
                    return E_RDATA;
                }
                decimal(u16(m, base + rd));
                put((byte) ' ');
                int e = nameInRdata(m, base, len, rd + 2, rdlen - 2);
                if (e < 0) {
                    return e;
                }
            }
            case DnsCodes.TYPE_SRV -> {
                if (rdlen < 7) {
                    return E_RDATA;
                }
                for (int i = 0; i < 3; i++) {
                    decimal(u16(m, base + rd + 2 * i));
                    put((byte) ' ');
                }
                int e = nameInRdata(m, base, len, rd + 6, rdlen - 6);
                if (e < 0) {
                    return e;
                }
            }
            case DnsCodes.TYPE_TXT -> {
                int p = rd;
                int stop = rd + rdlen;
                while (p < stop) {
                    int n = m[base + p] & 0xff;
                    if (p + 1 + n > stop) {
                        return E_RDATA;
                    }
                    if (p > rd) {
                        put((byte) ' ');
                    }
                    put((byte) '"');
                    for (int i = 0; i < n; i++) {
                        int c = m[base + p + 1 + i] & 0xff;
                        if (c == '"' || c == '\\') {
                            put((byte) '\\');
                            put((byte) c);
                        } else if (c < 0x20 || c > 0x7e) {
                            escaped(c);
                        } else {
                            put((byte) c);
                        }
                    }
                    put((byte) '"');
                    p += 1 + n;
                }
            }
            default -> {
                // the rest by type: its name (RRSIG, HTTPS …) or TYPE<n>; their data is not text worth keeping
                String t = DnsCodes.type(type);
                for (int i = 0; i < t.length(); i++) {
                    put((byte) t.charAt(i));
                }
            }
        }
        if (textFull) {
            // an answer that does not fit is left out whole: the result never ends in half an address
            textLen = mark;
        }
        return 0;
    }

    /** A name that must fill the record's data exactly; written to the result. */
    private int nameInRdata(byte[] m, int base, int len, int rd, int rdlen) {
        int r = nameInRdataEnd(m, base, len, rd, rd + rdlen, true);
        if (r < 0) {
            return r;
        }
        return r == rd + rdlen ? 0 : E_RDATA;
    }

    /** Reads a name inside a record's data into the result text; where it ends, or a negative error. */
    private int nameInRdataEnd(byte[] m, int base, int len, int from, int stop, boolean write) {
        int r = readName(m, base, len, from, write, false);
        if (r < 0) {
            return r;
        }
        if (r > stop) {
            return E_RDATA;
        }
        if (write) {
            for (int i = 0; i < nameLen; i++) {
                put(name[i]);
            }
        }
        return r;
    }

    /**
     * Reads the name at {@code pos}: where the name ends in the message (after its last label or first pointer),
     * or a negative error. With {@code keep} its presentation form is left in {@link #name}. With
     * {@code printable}, labels must be printable ASCII without escapes (the strict check of detection).
     */
    int readName(byte[] m, int base, int len, int pos, boolean keep, boolean printable) {
        int p = pos;
        int after = -1;
        int limit = pos; // a pointer must go strictly before where the labels it ends began
        int wire = 1;
        int pointers = 0;
        if (keep) {
            nameLen = 0;
        }
        while (true) {
            if (p >= len) {
                failedAt = p;
                return E_END;
            }
            int l = m[base + p] & 0xff;
            if (l == 0) {
                if (after < 0) {
                    after = p + 1;
                }
                break;
            }
            int kind = l & 0xc0;
            if (kind == 0xc0) {
                if (p + 1 >= len) {
                    failedAt = p;
                    return E_END;
                }
                int target = ((l & 0x3f) << 8) | (m[base + p + 1] & 0xff);
                failedAt = p;
                if (target >= len) {
                    return E_OUT;
                }
                if (target >= limit) {
                    return E_FORWARD;
                }
                if (++pointers > MAX_POINTERS) {
                    return E_POINTERS;
                }
                if (after < 0) {
                    after = p + 2;
                }
                p = target;
                limit = target;
                continue;
            }
            if (kind != 0) {
                failedAt = p;
                return E_LABEL;
            }
            wire += l + 1;
            if (wire > MAX_NAME_WIRE) {
                failedAt = p;
                return E_LONG;
            }
            if (p + 1 + l >= len) {
                failedAt = len;
                return E_END; // the label, or the byte after it, is past the end
            }
            if (keep || printable) {
                if (!label(m, base + p + 1, l, keep, printable)) {
                    failedAt = p;
                    return E_LABEL;
                }
            }
            p += 1 + l;
        }
        if (keep && nameLen == 0) {
            name[0] = '.';
            nameLen = 1;
        }
        return after;
    }

    /** Appends a label to {@link #name}, escaped; false when {@code printable} is asked and it is not. */
    private boolean label(byte[] m, int at, int l, boolean keep, boolean printable) {
        if (!keep) {
            for (int i = 0; i < l; i++) {
                int c = m[at + i] & 0xff;
                if (c <= 0x20 || c >= 0x7f || c == '.' || c == '\\') {
                    return false;
                }
            }
            return true;
        }
        int start = nameLen;
        if (start > 0) {
            name[start++] = '.';
        }
        // the common case: copied in one go, then checked; a label that needs escapes is written again byte by byte
        System.arraycopy(m, at, name, start, l);
        int end = start + l;
        for (int i = start; i < end; i++) {
            int c = name[i] & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '.' || c == '\\') {
                if (printable) {
                    return false;
                }
                nameLen = i; // the plain bytes before it stay
                escapedLabel(m, at + (i - start), l - (i - start));
                return true;
            }
        }
        nameLen = end;
        return true;
    }

    /** Appends the rest of a label byte by byte, escaping what is not printable (as dig does). */
    private void escapedLabel(byte[] m, int at, int l) {
        for (int i = 0; i < l; i++) {
            int c = m[at + i] & 0xff;
            if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
                name[nameLen++] = (byte) c;
            } else if (c == '.' || c == '\\') {
                name[nameLen++] = '\\';
                name[nameLen++] = (byte) c;
            } else {
                name[nameLen++] = '\\';
                name[nameLen++] = (byte) ('0' + c / 100);
                name[nameLen++] = (byte) ('0' + c / 10 % 10);
                name[nameLen++] = (byte) ('0' + c % 10);
            }
        }
    }

    /**
     * The strict check of detection and resynchronisation: a header a DNS client or server writes, one question
     * of printable labels with a known class, and, when the whole message is there, every record well formed and
     * the message ending where its last record does.
     *
     * @param avail          bytes there are from {@code base}
     * @param length         the message's length (UDP: the datagram's; TCP: what its prefix says)
     * @param expectResponse 1: must be a response, 0: a query, -1: either
     * @return 1: plausible; -1: not a DNS message; 0: cannot tell yet, more bytes are needed (only when
     *         {@code avail < length})
     */
    int judge(byte[] m, int base, int avail, int length, int expectResponse) {
        if (length < HEADER + 5) {
            return -1;
        }
        boolean whole = avail >= length;
        int len = Math.min(avail, length);
        if (len >= 4) {
            int flags = u16(m, base + 2);
            boolean response = (flags & 0x8000) != 0;
            int opcode = (flags >>> 11) & 0xf;
            if (expectResponse >= 0 && response != (expectResponse == 1)) {
                return -1;
            }
            // the Z bit is zero; a response's rcode is one of the eleven of RFC 1035 and 2136; a query has none
            if ((flags & 0x0040) != 0 || !(opcode == 0 || opcode == 2 || opcode == 4 || opcode == 5)
                    || (response ? (flags & 0xf) > 10 : (flags & 0xf) != 0)) {
                return -1;
            }
        }
        if (len < HEADER) {
            return 0;
        }
        int flags = u16(m, base + 2);
        int qd = u16(m, base + 4);
        int an = u16(m, base + 6);
        int ns = u16(m, base + 8);
        int ar = u16(m, base + 10);
        boolean query = (flags & 0x8000) == 0;
        if (qd != 1 || (query && ((flags >>> 11) & 0xf) == 0 && (an != 0 || ns != 0 || ar > 2))
                || HEADER + 5L + 11L * (an + ns + ar) > length) {
            return -1; // one question is what every client sends and every server echoes
        }
        int r = readName(m, base, len, HEADER, false, true);
        if (r == E_END && !whole) {
            return 0;
        }
        if (r < 0) {
            return -1;
        }
        if (r + 4 > len) {
            return whole ? -1 : 0;
        }
        if (u16(m, base + r) == 0 || !DnsCodes.knownClass(u16(m, base + r + 2))) {
            return -1;
        }
        if (!whole) {
            return 1; // a header and a question of printable labels: enough when the rest is not there yet
        }
        int pos = r + 4;
        for (int i = 0, n = an + ns + ar; i < n; i++) {
            int q = readName(m, base, len, pos, false, false);
            if (q < 0 || q + 10 > len) {
                return -1;
            }
            pos = q + 10 + u16(m, base + q + 8);
            if (pos > len) {
                return -1;
            }
        }
        return pos == len ? 1 : -1;
    }

    private static String kind(int error) {
        return switch (error) {
            case E_END -> "counts_exceed_message";
            case E_LABEL -> "label_too_long";
            case E_LONG -> "name_too_long";
            case E_FORWARD -> "compression_pointer_forward";
            case E_OUT -> "compression_pointer_out_of_bounds";
            case E_POINTERS -> "compression_loop";
            default -> "bad_rdata";
        };
    }

    private String describe(int error, String where) {
        String what = switch (error) {
            case E_END -> "runs past the end of the message (byte " + failedAt + "): its counts promise more than it holds";
            case E_LABEL -> "has a label length byte over 63 that is no pointer, at byte " + failedAt;
            case E_LONG -> "has a name longer than 255 bytes, at byte " + failedAt;
            case E_FORWARD -> "has a compression pointer at byte " + failedAt + " that points forward or back into its own name (a loop)";
            case E_OUT -> "has a compression pointer at byte " + failedAt + " that points outside the message";
            case E_POINTERS -> "has more than " + MAX_POINTERS + " compression pointers in one name";
            default -> "has record data that does not fit its type";
        };
        return where + " " + what;
    }

    private void put(byte c) {
        if (textLen < text.length) {
            text[textLen++] = c;
        } else {
            textFull = true;
        }
    }

    private void decimal(int v) {
        if (v >= 10000) {
            put((byte) ('0' + v / 10000));
        }
        if (v >= 1000) {
            put((byte) ('0' + v / 1000 % 10));
        }
        if (v >= 100) {
            put((byte) ('0' + v / 100 % 10));
        }
        if (v >= 10) {
            put((byte) ('0' + v / 10 % 10));
        }
        put((byte) ('0' + v % 10));
    }

    private void escaped(int c) {
        put((byte) '\\');
        put((byte) ('0' + c / 100));
        put((byte) ('0' + c / 10 % 10));
        put((byte) ('0' + c % 10));
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** RFC 5952's text form: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    private void ipv6(byte[] m, int at) {
        int[] g = groups;
        for (int i = 0; i < 8; i++) {
            g[i] = u16(m, at + 2 * i);
        }
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
            // IPv4-mapped: ::ffff:a.b.c.d
            put((byte) ':');
            put((byte) ':');
            hex(0xffff);
            put((byte) ':');
            for (int i = 12; i < 16; i++) {
                if (i > 12) {
                    put((byte) '.');
                }
                decimal(m[at + i] & 0xff);
            }
            return;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                put((byte) ':');
                put((byte) ':');
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLen) {
                put((byte) ':');
            }
            hex(g[i]);
        }
    }

    private void hex(int v) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int d = (v >>> shift) & 0xf;
            if (d != 0 || started || shift == 0) {
                put(HEX[d]);
                started = true;
            }
        }
    }

    /** Big-endian unsigned 16 bits of a buffer, at an absolute index. */
    static int u16(ByteBuffer b, int at) {
        return ((b.get(at) & 0xff) << 8) | (b.get(at + 1) & 0xff);
    }

    static int u16(byte[] m, int at) {
        return ((m[at] & 0xff) << 8) | (m[at + 1] & 0xff);
    }

    static long u32(byte[] m, int at) {
        return ((long) u16(m, at) << 16) | u16(m, at + 2);
    }
}
