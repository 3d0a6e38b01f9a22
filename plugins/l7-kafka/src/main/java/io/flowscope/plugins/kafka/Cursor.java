package io.flowscope.plugins.kafka;

/**
 * Reads Kafka's primitive types from the captured first bytes of a message. Running past what was captured is
 * not an error but the end of what can be seen: {@link #ok()} turns false and every read after returns 0, so the
 * decoders read straight through and check once. Reused for every message: no allocation.
 */
final class Cursor {

    private byte[] bytes;
    private int pos;
    private int limit;
    private boolean ok;

    Cursor reset(byte[] bytes, int from, int limit) {
        this.bytes = bytes;
        this.pos = from;
        this.limit = limit;
        this.ok = true;
        return this;
    }

    boolean ok() {
        return ok;
    }

    byte[] bytes() {
        return bytes;
    }

    int position() {
        return pos;
    }

    private boolean need(int n) {
        if (!ok || n < 0 || limit - pos < n) {
            ok = false;
            return false;
        }
        return true;
    }

    void skip(long n) {
        if (need((int) Math.min(n, Integer.MAX_VALUE))) {
            pos += (int) n;
        }
    }

    int i8() {
        return need(1) ? bytes[pos++] : 0;
    }

    int i16() {
        if (!need(2)) {
            return 0;
        }
        int v = (short) ((bytes[pos] & 0xff) << 8 | (bytes[pos + 1] & 0xff));
        pos += 2;
        return v;
    }

    int i32() {
        if (!need(4)) {
            return 0;
        }
        int v = (bytes[pos] & 0xff) << 24 | (bytes[pos + 1] & 0xff) << 16 | (bytes[pos + 2] & 0xff) << 8 | (bytes[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    /** An unsigned varint of at most 5 bytes (Kafka's compact lengths and tags). */
    int uvarint() {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (!need(1)) {
                return 0;
            }
            int b = bytes[pos++];
            v |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        ok = false; // longer than an int's varint: not Kafka
        return 0;
    }

    /** Skips a varint or varlong of up to 10 bytes (record batch v2's timestamp delta). */
    void skipVarlong() {
        for (int i = 0; i < 10; i++) {
            if (!need(1)) {
                return;
            }
            if ((bytes[pos++] & 0x80) == 0) {
                return;
            }
        }
        ok = false;
    }

    /** A signed zig-zag varint (record batch v2's lengths). */
    int varint() {
        int raw = uvarint();
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Elements of an array, -1 for null: compact (length + 1 as a varint) when flexible, else an int32. */
    int arrayLength(boolean flexible) {
        int n = flexible ? uvarint() - 1 : i32();
        if (n < -1) {
            ok = false;
        }
        return n;
    }

    /** Bytes of a string, -1 for null: compact (length + 1 as a varint) when flexible, else an int16. */
    int stringLength(boolean flexible) {
        int n = flexible ? uvarint() - 1 : i16();
        if (n < -1) {
            ok = false;
        }
        return n;
    }

    /** Skips a string; its start is {@link #position()} before the skip minus nothing: read the length first to keep it. */
    void skipString(boolean flexible) {
        int n = stringLength(flexible);
        if (n > 0) {
            skip(n);
        }
    }

    /** Bytes of a byte array or records field, -1 for null: compact varint when flexible, else an int32. */
    int bytesLength(boolean flexible) {
        return arrayLength(flexible);
    }

    /** A flexible struct's tagged fields: a count, then a tag, a size and that many bytes each. */
    void skipTaggedFields() {
        int n = uvarint();
        for (int i = 0; i < n && ok; i++) {
            uvarint();
            skip(uvarint());
        }
    }
}
