package io.flowscope.plugins.http2;

/**
 * The static Huffman code of HPACK (RFC 7541 Appendix B), decoding only. The code is canonical: symbols sorted by
 * code length, then by value, take consecutive codes. So the 257 lengths are all that is kept; the codes follow from
 * them, and the Appendix C vectors in the tests check the result.
 */
final class Huffman {

    /** Code length in bits of each symbol 0..255 and of EOS (256), from RFC 7541 Appendix B. */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28,
        28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22,
        23, 23, 24, 22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22,
        22, 22, 23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27,
        24, 21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26,
        27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30
    };

    static final int EOS = 256;
    private static final int MAX_LENGTH = 30;
    private static final int MIN_LENGTH = 5;

    /** Per length: the first code of that length, left-aligned in 32 bits; and the index of its symbol in SORTED. */
    private static final long[] FIRST_CODE = new long[MAX_LENGTH + 2];
    private static final int[] COUNT = new int[MAX_LENGTH + 1];
    private static final int[] OFFSET = new int[MAX_LENGTH + 1];
    /** Symbols in canonical order (by length, then value). */
    private static final short[] SORTED = new short[257];
    /** Code of each symbol, right-aligned (for the tests' encoder). */
    private static final int[] CODES = new int[257];

    static {
        if (LENGTHS.length != 257) {
            throw new ExceptionInInitializerError("RFC 7541 has 257 Huffman symbols, not " + LENGTHS.length);
        }
        for (byte l : LENGTHS) {
            COUNT[l]++;
        }
        int code = 0;
        int index = 0;
        for (int len = 1; len <= MAX_LENGTH; len++) {
            OFFSET[len] = index;
            FIRST_CODE[len] = (long) code << (32 - len);
            for (int s = 0; s < 257; s++) {
                if (LENGTHS[s] == len) {
                    CODES[s] = code++;
                    SORTED[index++] = (short) s;
                }
            }
            code <<= 1;
        }
    }

    private Huffman() {
    }

    /**
     * Decodes {@code in[from..to)} into {@code out} from 0; returns the decoded length, or -1 when the input is not a
     * valid HPACK Huffman string (EOS inside, padding longer than 7 bits or not all ones) or {@code out} is too small.
     */
    static int decode(byte[] in, int from, int to, byte[] out) {
        long acc = 0; // bits not yet used, left-aligned at bit 63
        int bits = 0;
        int n = 0;
        int p = from;
        while (true) {
            while (bits <= 56 && p < to) {
                acc |= (long) (in[p++] & 0xff) << (56 - bits);
                bits += 8;
            }
            if (bits < MIN_LENGTH) {
                break;
            }
            long top = acc >>> 32; // the next 32 bits, left-aligned code candidates
            int len = MIN_LENGTH;
            int symbol = -1;
            for (; len <= MAX_LENGTH && len <= bits; len++) {
                long rel = (top - FIRST_CODE[len]) >>> (32 - len);
                if (top >= FIRST_CODE[len] && rel < COUNT[len]) {
                    symbol = SORTED[OFFSET[len] + (int) rel];
                    break;
                }
            }
            if (symbol < 0) {
                break; // the rest may be padding; checked below
            }
            if (symbol == EOS || n == out.length) {
                return -1;
            }
            out[n++] = (byte) symbol;
            acc <<= len;
            bits -= len;
        }
        // what is left is padding: fewer than 8 bits, all ones (a prefix of EOS)
        if (bits > 7 || (bits > 0 && (acc >>> (64 - bits)) != (1L << bits) - 1)) {
            return -1;
        }
        return n;
    }

    /** Code of a symbol, right-aligned, and its length: for encoders in tests. */
    static int code(int symbol) {
        return CODES[symbol];
    }

    static int length(int symbol) {
        return LENGTHS[symbol];
    }
}
