package io.flowscope.plugins.http2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A small HTTP/2 frame and HPACK encoder for tests: builds the bytes a peer would send. */
final class H2 {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static H2 bytes() {
        return new H2();
    }

    H2 preface() {
        out.writeBytes(Frames.PREFACE);
        return this;
    }

    H2 frame(int type, int flags, int stream, byte[] payload) {
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.write(stream >>> 24);
        out.write(stream >>> 16);
        out.write(stream >>> 8);
        out.write(stream);
        out.writeBytes(payload);
        return this;
    }

    H2 settings(int... idValue) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        for (int i = 0; i < idValue.length; i += 2) {
            p.write(idValue[i] >>> 8);
            p.write(idValue[i]);
            p.writeBytes(u32(idValue[i + 1]));
        }
        return frame(Frames.SETTINGS, 0, 0, p.toByteArray());
    }

    H2 settingsAck() {
        return frame(Frames.SETTINGS, Frames.ACK, 0, new byte[0]);
    }

    H2 headers(int stream, boolean endStream, byte[] block) {
        return frame(Frames.HEADERS, Frames.END_HEADERS | (endStream ? Frames.END_STREAM : 0), stream, block);
    }

    H2 data(int stream, boolean endStream, byte[] payload) {
        return frame(Frames.DATA, endStream ? Frames.END_STREAM : 0, stream, payload);
    }

    H2 rst(int stream, int code) {
        return frame(Frames.RST_STREAM, 0, stream, u32(code));
    }

    H2 goaway(int lastStream, int code) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(u32(lastStream));
        p.writeBytes(u32(code));
        return frame(Frames.GOAWAY, 0, 0, p.toByteArray());
    }

    H2 ping() {
        return frame(Frames.PING, 0, 0, new byte[8]);
    }

    H2 windowUpdate(int stream, int inc) {
        return frame(Frames.WINDOW_UPDATE, 0, stream, u32(inc));
    }

    H2 raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    byte[] build() {
        return out.toByteArray();
    }

    static byte[] u32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** gRPC length-prefixed messages of the given sizes. */
    static byte[] grpcMessages(int... sizes) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        for (int s : sizes) {
            p.write(0);
            p.writeBytes(u32(s));
            p.writeBytes(new byte[s]);
        }
        return p.toByteArray();
    }

    /** An HPACK block encoder. */
    static final class Block {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();
        private boolean huffman;

        static Block of() {
            return new Block();
        }

        Block huffman(boolean on) {
            huffman = on;
            return this;
        }

        Block indexed(int index) {
            integer(0x80, 7, index);
            return this;
        }

        /** Literal with incremental indexing, new name. */
        Block add(String name, String value) {
            integer(0x40, 6, 0);
            string(name);
            string(value);
            return this;
        }

        /** Literal with incremental indexing, indexed name. */
        Block addIndexedName(int nameIndex, String value) {
            integer(0x40, 6, nameIndex);
            string(value);
            return this;
        }

        /** Literal without indexing, new name. */
        Block literal(String name, String value) {
            integer(0x00, 4, 0);
            string(name);
            string(value);
            return this;
        }

        Block literalIndexedName(int nameIndex, String value) {
            integer(0x00, 4, nameIndex);
            string(value);
            return this;
        }

        Block sizeUpdate(int size) {
            integer(0x20, 5, size);
            return this;
        }

        byte[] build() {
            return b.toByteArray();
        }

        private void integer(int first, int prefix, long v) {
            int max = (1 << prefix) - 1;
            if (v < max) {
                b.write(first | (int) v);
                return;
            }
            b.write(first | max);
            v -= max;
            while (v >= 128) {
                b.write((int) (v & 0x7f) | 0x80);
                v >>>= 7;
            }
            b.write((int) v);
        }

        private void string(String s) {
            byte[] raw = s.getBytes(StandardCharsets.UTF_8);
            if (!huffman) {
                integer(0, 7, raw.length);
                b.writeBytes(raw);
                return;
            }
            byte[] h = huffmanEncode(raw);
            integer(0x80, 7, h.length);
            b.writeBytes(h);
        }
    }

    static byte[] huffmanEncode(byte[] raw) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        long acc = 0;
        int bits = 0;
        for (byte x : raw) {
            int sym = x & 0xff;
            acc = acc << Huffman.length(sym) | Huffman.code(sym);
            bits += Huffman.length(sym);
            while (bits >= 8) {
                o.write((int) (acc >>> (bits - 8)));
                bits -= 8;
            }
        }
        if (bits > 0) {
            o.write((int) ((acc << (8 - bits)) | (0xff >>> bits)));
        }
        return o.toByteArray();
    }

    static byte[] hex(String s) {
        String h = s.replaceAll("[^0-9a-fA-F]", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
