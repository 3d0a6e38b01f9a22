package io.flowscope.plugins.http2;

/**
 * HPACK decoding (RFC 7541) of one direction's header blocks, with that direction's {@link DynamicTable}. A
 * reference the table cannot resolve (the capture began after the entry was added, or a block was lost) gives an
 * unknown field: never a guess. Indices stay exact for the entries held because the encoder's newest entries are
 * also the table's newest, and the table never evicts earlier than the encoder does.
 */
final class HpackDecoder {

    /** Receives the fields of one block; the arrays are only valid during the call. */
    interface Fields {
        /** A field; {@code value} is null when it was too long to keep. */
        void field(byte[] name, int nOff, int nLen, byte[] value, int vOff, int vLen);

        /**
         * A field whose name's {@link FieldNames} kind is {@code kind} (found once per table entry, not per field);
         * {@code tableValue}: the value is a table entry's own array, never changed.
         */
        default void field(byte kind, boolean tableValue, byte[] name, int nOff, int nLen, byte[] value, int vOff, int vLen) {
            field(name, nOff, nLen, value, vOff, vLen);
        }

        /** A field that references an entry this table does not hold (name and value unknown). */
        void unknownField();
    }

    /** Decoded strings longer than this are not kept (their entry, if indexed, is accounted without them). */
    static final int MAX_STRING = 16 * 1024;
    /** The most decoded bytes (RFC 7540 §6.5.2's measure) of one block handed on; the rest is only indexed. */
    static final int MAX_HEADER_LIST = 32 * 1024;

    /** Name of an entry added with an unknown name: its index is kept, its content is not known. */
    static final byte[] UNKNOWN = new byte[0];

    private final DynamicTable table = new DynamicTable();
    /** The peer's SETTINGS_HEADER_TABLE_SIZE: the most the encoder may use. */
    private int settingsLimit = 4096;
    private boolean listCapped;
    /** The last block was indexed fields only: it changed nothing in the table (see {@link BlockMemo}). */
    private boolean indexedOnly;

    // where the last string went: into the block itself (not Huffman) or into a scratch buffer
    private byte[] strBuf;
    private int strOff;
    private int strLen;
    private boolean strTooLong;
    private int pos;

    DynamicTable table() {
        return table;
    }

    /** Whether the last block passed {@link #MAX_HEADER_LIST} (for the parser to report once). */
    boolean listCapped() {
        return listCapped;
    }

    boolean lastBlockIndexedOnly() {
        return indexedOnly;
    }

    /** The decoder side announced SETTINGS_HEADER_TABLE_SIZE: the encoder may not use more, and must shrink to it. */
    void settingsHeaderTableSize(long v) {
        settingsLimit = (int) Math.min(v, Integer.MAX_VALUE);
        if (table.maxSize() > settingsLimit) {
            table.setMaxSize(settingsLimit);
        }
    }

    /** A new connection context (a client preface seen again): tables restart empty. */
    void reset() {
        table.reset();
        settingsLimit = 4096;
    }

    /**
     * Decodes {@code b[from..to)}. Returns false when the block is malformed: the table is then lost (its later
     * references unknown) since where the block's additions went is not known.
     */
    boolean decode(byte[] b, int from, int to, Fields out, Scratch scratch) {
        pos = from;
        listCapped = false;
        indexedOnly = true;
        long listSize = 0;
        while (pos < to) {
            int first = b[pos] & 0xff;
            if ((first & 0x80) != 0) {
                // an indexed field, the most frequent representation once a connection's table is built: an index
                // below 127 is its one byte
                long index = first != 0xff ? first & 0x7f : integer(b, to, 7);
                if (first != 0xff) {
                    pos++;
                }
                if (index <= 0) {
                    return fail();
                }
                if (index <= StaticTable.SIZE) {
                    byte[] n = StaticTable.NAMES[(int) index];
                    byte[] v = StaticTable.VALUES[(int) index];
                    listSize += n.length + v.length + 32;
                    if (listSize <= MAX_HEADER_LIST) {
                        out.field(FieldNames.STATIC[(int) index], true, n, 0, n.length, v, 0, v.length);
                    }
                    continue;
                }
                long entry = index - StaticTable.SIZE - 1;
                if (entry >= table.count()) {
                    // not held: lost to a hole or to the capture's late start, or never added (the encoder's error)
                    table.markIncomplete();
                    out.unknownField();
                    continue;
                }
                int slot = table.slot((int) entry);
                byte[] n = table.nameAt(slot);
                if (n == UNKNOWN) {
                    out.unknownField();
                    continue;
                }
                byte[] v = table.valueAt(slot);
                listSize += n.length + v.length + 32;
                if (listSize <= MAX_HEADER_LIST) {
                    out.field(table.kindAt(slot), true, n, 0, n.length, v, 0, v.length);
                }
                continue;
            }
            indexedOnly = false;
            if ((first & 0xe0) == 0x20) {
                long size = integer(b, to, 5);
                if (size < 0) {
                    return fail();
                }
                // larger than the decoder allowed is the encoder's error; follow it within the table's own cap
                table.setMaxSize((int) Math.min(size, Integer.MAX_VALUE));
                continue;
            }
            boolean indexing = (first & 0xc0) == 0x40;
            long nameIndex = integer(b, to, indexing ? 6 : 4);
            if (nameIndex < 0) {
                return fail();
            }
            byte[] nameBuf;
            int nameOff;
            int nameLen;
            boolean nameKnown = true;
            // a name from the static table or a held entry is an array nobody changes: the new entry shares it
            boolean nameShared = nameIndex != 0;
            byte kind = FieldNames.OTHER;
            if (nameIndex == 0) {
                if (!string(b, to, scratch, true)) {
                    return fail();
                }
                if (strTooLong) {
                    nameKnown = false;
                    nameBuf = UNKNOWN;
                    nameOff = 0;
                    nameLen = 0;
                } else {
                    nameBuf = strBuf;
                    nameOff = strOff;
                    nameLen = strLen;
                    kind = FieldNames.of(nameBuf, nameOff, nameLen);
                }
            } else if (nameIndex <= StaticTable.SIZE) {
                nameBuf = StaticTable.NAMES[(int) nameIndex];
                nameOff = 0;
                nameLen = nameBuf.length;
                kind = FieldNames.STATIC[(int) nameIndex];
            } else {
                byte[] n = dynamicName(nameIndex);
                nameKnown = n != null && n != UNKNOWN;
                nameBuf = nameKnown ? n : UNKNOWN;
                nameOff = 0;
                nameLen = nameBuf.length;
                if (nameKnown) {
                    kind = table.kind((int) (nameIndex - StaticTable.SIZE - 1));
                }
            }
            if (!string(b, to, scratch, false)) {
                return fail();
            }
            boolean valueKnown = !strTooLong;
            if (indexing) {
                if (!valueKnown) {
                    // its size is not known: whether the encoder evicted for it is not either
                    table.lose();
                } else {
                    if (!nameKnown) {
                        table.add(UNKNOWN, 0, 0, FieldNames.OTHER, strBuf, strOff, strLen);
                    } else if (nameShared) {
                        table.addSharingName(nameBuf, kind, strBuf, strOff, strLen);
                    } else {
                        table.add(nameBuf, nameOff, nameLen, kind, strBuf, strOff, strLen);
                    }
                    if (!nameKnown) {
                        // the entry's name is unknown: name() gives UNKNOWN for it
                        table.markIncomplete();
                    }
                }
            }
            if (!nameKnown) {
                out.unknownField();
                continue;
            }
            listSize += nameLen + (valueKnown ? strLen : 0) + 32;
            if (listSize <= MAX_HEADER_LIST) {
                out.field(kind, false, nameBuf, nameOff, nameLen, valueKnown ? strBuf : null, strOff, valueKnown ? strLen : 0);
            }
        }
        listCapped = listSize > MAX_HEADER_LIST;
        return true;
    }

    private boolean fail() {
        table.lose();
        return false;
    }

    /** Name of dynamic index {@code index} (62 = newest), UNKNOWN for an entry added without a known name, or null. */
    private byte[] dynamicName(long index) {
        long i = index - StaticTable.SIZE - 1;
        if (i >= table.count()) {
            // not held: lost to a hole or to the capture's late start, or never added (the encoder's error)
            table.markIncomplete();
            return null;
        }
        return table.name((int) i);
    }

    /** An HPACK integer with an N-bit prefix at {@code pos} (RFC 7541 §5.1); -1 when cut short or too large. */
    private long integer(byte[] b, int to, int prefixBits) {
        int mask = (1 << prefixBits) - 1;
        long v = b[pos++] & mask;
        if (v < mask) {
            return v;
        }
        int shift = 0;
        while (pos < to) {
            int c = b[pos++] & 0xff;
            v += (long) (c & 0x7f) << shift;
            if ((c & 0x80) == 0) {
                return v;
            }
            shift += 7;
            if (shift > 28) {
                return -1;
            }
        }
        return -1;
    }

    /** A string literal at {@code pos} (RFC 7541 §5.2): sets strBuf/strOff/strLen or strTooLong; false when malformed. */
    private boolean string(byte[] b, int to, Scratch scratch, boolean name) {
        if (pos >= to) {
            return false;
        }
        boolean huffman = (b[pos] & 0x80) != 0;
        long len = integer(b, to, 7);
        if (len < 0 || len > to - pos) {
            return false;
        }
        int start = pos;
        pos += (int) len;
        strTooLong = false;
        if (!huffman) {
            if (len > MAX_STRING) {
                strTooLong = true;
                return true;
            }
            strBuf = b;
            strOff = start;
            strLen = (int) len;
            return true;
        }
        // a Huffman code is at least 5 bits a byte
        int most = (int) (len * 8 / 5 + 1);
        if (most > MAX_STRING) {
            strTooLong = true;
            return true;
        }
        byte[] scratchBuf = scratch.buffer(name, most);
        int n = Huffman.decode(b, start, pos, scratchBuf);
        if (n < 0) {
            return false;
        }
        strBuf = scratchBuf;
        strOff = 0;
        strLen = n;
        return true;
    }

    /** Buffers for Huffman-decoded strings, shared by the decoders of one connection (used one at a time). */
    static final class Scratch {
        // made at the first Huffman string, as large as it needs: a connection whose fields are indexed needs none
        private byte[] name = HpackDecoder.UNKNOWN;
        private byte[] value = HpackDecoder.UNKNOWN;

        /** The name or value buffer, grown to hold {@code need} bytes (at most MAX_STRING). */
        byte[] buffer(boolean forName, int need) {
            byte[] b = forName ? name : value;
            if (b.length < need) {
                b = new byte[Math.max(need, Math.min(MAX_STRING, Math.max(64, b.length * 2)))];
                if (forName) {
                    name = b;
                } else {
                    value = b;
                }
            }
            return b;
        }

        long retainedBytes() {
            return name.length + value.length + 48;
        }
    }

    long retainedBytes() {
        return table.retainedBytes() + 64;
    }
}
