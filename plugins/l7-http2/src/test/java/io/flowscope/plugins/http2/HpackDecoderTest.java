package io.flowscope.plugins.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HPACK against the examples of RFC 7541 Appendix C (table contents and sizes after each block), and its bounds. */
class HpackDecoderTest {

    private final HpackDecoder.Scratch scratch = new HpackDecoder.Scratch();

    private static final class Collect implements HpackDecoder.Fields {
        final List<String> fields = new ArrayList<>();

        @Override
        public void field(byte[] n, int no, int nl, byte[] v, int vo, int vl) {
            fields.add(new String(n, no, nl, StandardCharsets.ISO_8859_1) + ": "
                    + (v == null ? "<too long>" : new String(v, vo, vl, StandardCharsets.ISO_8859_1)));
        }

        @Override
        public void unknownField() {
            fields.add("?");
        }
    }

    private List<String> decode(HpackDecoder d, String hex) {
        Collect c = new Collect();
        assertTrue(d.decode(H2.hex(hex), 0, H2.hex(hex).length, c, scratch), "valid block " + hex);
        return c.fields;
    }

    private static List<String> table(HpackDecoder d) {
        List<String> t = new ArrayList<>();
        DynamicTable table = d.table();
        for (int i = 0; i < table.count(); i++) {
            t.add(new String(table.name(i), StandardCharsets.ISO_8859_1) + ": "
                    + new String(table.value(i), StandardCharsets.ISO_8859_1));
        }
        return t;
    }

    @Test
    void c2LiteralsAndIndexed() {
        HpackDecoder d = new HpackDecoder();
        assertEquals(List.of("custom-key: custom-header"),
                decode(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        assertEquals(55, d.table().size());
        HpackDecoder d2 = new HpackDecoder();
        assertEquals(List.of(":path: /sample/path"), decode(d2, "040c 2f73 616d 706c 652f 7061 7468"));
        assertEquals(0, d2.table().count());
        HpackDecoder d3 = new HpackDecoder();
        assertEquals(List.of("password: secret"), decode(d3, "1008 7061 7373 776f 7264 0673 6563 7265 74"));
        assertEquals(0, d3.table().count());
        assertEquals(List.of(":method: GET"), decode(new HpackDecoder(), "82"));
    }

    private static final List<String> C3_1 = List.of(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com");
    private static final List<String> C3_2 = List.of(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com",
            "cache-control: no-cache");
    private static final List<String> C3_3 = List.of(":method: GET", ":scheme: https", ":path: /index.html",
            ":authority: www.example.com", "custom-key: custom-value");

    @Test
    void c3RequestsWithoutHuffman() {
        HpackDecoder d = new HpackDecoder();
        assertEquals(C3_1, decode(d, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"));
        assertEquals(List.of(":authority: www.example.com"), table(d));
        assertEquals(57, d.table().size());
        assertEquals(C3_2, decode(d, "8286 84be 5808 6e6f 2d63 6163 6865"));
        assertEquals(110, d.table().size());
        assertEquals(C3_3, decode(d, "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"));
        assertEquals(List.of("custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com"), table(d));
        assertEquals(164, d.table().size());
    }

    @Test
    void c4RequestsWithHuffman() {
        HpackDecoder d = new HpackDecoder();
        assertEquals(C3_1, decode(d, "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"));
        assertEquals(57, d.table().size());
        assertEquals(C3_2, decode(d, "8286 84be 5886 a8eb 1064 9cbf"));
        assertEquals(110, d.table().size());
        assertEquals(C3_3, decode(d, "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"));
        assertEquals(164, d.table().size());
    }

    private static final List<String> C5_1 = List.of(":status: 302", "cache-control: private",
            "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com");
    private static final List<String> C5_2 = List.of(":status: 307", "cache-control: private",
            "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com");
    private static final List<String> C5_3 = List.of(":status: 200", "cache-control: private",
            "date: Mon, 21 Oct 2013 20:13:22 GMT", "location: https://www.example.com", "content-encoding: gzip",
            "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1");

    /** C.5: responses with a 256-byte table, so entries are evicted. */
    @Test
    void c5ResponsesWithoutHuffmanEvict() {
        HpackDecoder d = new HpackDecoder();
        d.settingsHeaderTableSize(256);
        assertEquals(C5_1, decode(d, "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
                + " 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"));
        assertEquals(222, d.table().size());
        assertEquals(C5_2, decode(d, "4803 3330 37c1 c0bf"));
        assertEquals(222, d.table().size());
        assertEquals(List.of(":status: 307", "location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                "cache-control: private"), table(d));
        assertEquals(C5_3, decode(d, "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
                + " 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745"
                + " 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"));
        assertEquals(List.of("set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT"), table(d));
        assertEquals(215, d.table().size());
    }

    @Test
    void c6ResponsesWithHuffmanEvict() {
        HpackDecoder d = new HpackDecoder();
        d.settingsHeaderTableSize(256);
        assertEquals(C5_1, decode(d, "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                + " 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3"));
        assertEquals(222, d.table().size());
        assertEquals(C5_2, decode(d, "4883 640e ffc1 c0bf"));
        assertEquals(222, d.table().size());
        assertEquals(C5_3, decode(d, "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
                + " 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0"
                + " 03ed 4ee5 b106 3d50 07"));
        assertEquals(215, d.table().size());
    }

    @Test
    void huffmanRoundTripsEveryByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        byte[] enc = H2.huffmanEncode(all);
        byte[] out = new byte[512];
        int n = Huffman.decode(enc, 0, enc.length, out);
        assertEquals(256, n);
        assertArrayEquals(all, java.util.Arrays.copyOf(out, n));
    }

    @Test
    void huffmanRejectsBadPadding() {
        // 'a' is 00011 (5 bits): padding of zeros instead of ones
        assertEquals(-1, Huffman.decode(new byte[] {0x18}, 0, 1, new byte[8]));
        // a whole byte of padding (8 ones) after a symbol
        assertEquals(-1, Huffman.decode(new byte[] {0x1f, (byte) 0xff}, 0, 2, new byte[8]));
        assertEquals(1, Huffman.decode(new byte[] {0x1f}, 0, 1, new byte[8]));
    }

    /** A capture joined mid-connection: references to entries it never saw are unknown, never another entry. */
    @Test
    void unknownDynamicEntriesAreNotGuessed() {
        HpackDecoder d = new HpackDecoder();
        // index 62 and 63 without any entry added
        assertEquals(List.of(":method: GET", "?", "?"), decode(d, "82 be bf"));
        // a new entry is 62; 63 is still unknown
        assertEquals(List.of("x-a: 1", "x-a: 1", "?"), decode(d, "4003 782d 6101 31 be bf"));
        // a literal whose name is an unknown entry, with indexing: it takes a slot (known index, unknown name)
        assertEquals(List.of("?", "x-a: 1"), decode(d, "7f01 0176 bf"));
        assertEquals(List.of("?"), decode(d, "be"));
    }

    @Test
    void boundedTableAndMalformedBlocks() {
        HpackDecoder d = new HpackDecoder();
        d.settingsHeaderTableSize(1 << 30);
        H2.Block b = H2.Block.of().sizeUpdate(1 << 24);
        for (int i = 0; i < 2000; i++) {
            b.add("name-" + i, "v".repeat(100));
        }
        byte[] block = b.build();
        Collect c = new Collect();
        assertTrue(d.decode(block, 0, block.length, c, scratch));
        assertTrue(d.table().size() <= DynamicTable.CAP, "table capped at " + DynamicTable.CAP + ": " + d.table().size());
        assertTrue(d.listCapped(), "a 200 KiB header list is cut");
        // integer that never ends, string longer than the block
        assertFalse(d.decode(H2.hex("ff ff ff ff ff ff"), 0, 6, new Collect(), scratch));
        assertFalse(d.decode(H2.hex("40 7f 7f"), 0, 3, new Collect(), scratch));
        assertFalse(d.decode(H2.hex("80"), 0, 1, new Collect(), scratch), "index 0 is not valid");
        assertTrue(d.table().incomplete(), "after a malformed block its additions are lost");
    }
}
