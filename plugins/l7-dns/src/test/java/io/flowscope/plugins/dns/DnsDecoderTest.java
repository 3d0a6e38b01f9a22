package io.flowscope.plugins.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ResponseStatus;
import io.flowscope.api.Transport;
import io.flowscope.api.testkit.RecordedSession;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the parsers write (response_result, names, rcodes) and how they refuse hostile input: every malformed message
 * a counted problem of a stable kind, never an exception or an unbounded loop; and detection that does not claim
 * random UDP traffic.
 */
class DnsDecoderTest {

    /** Messages and problems of one parser. */
    private static final class Run implements ParserContext {
        final List<L7Message> messages = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final ConnectionInfo connection = ConnectionInfo.builder(Transport.UDP).build();

        @Override
        public MessageSink sink() {
            return messages::add;
        }

        @Override
        public ConnectionInfo connection() {
            return connection;
        }

        @Override
        public void reportProblem(String kind, String message) {
            problems.add(kind);
        }
    }

    private static Run datagrams(byte[]... messages) {
        Run r = new Run();
        ProtocolParser p = new DnsParserFactory().newParser(r);
        for (byte[] m : messages) {
            p.onDatagram(Direction.SERVER_TO_CLIENT, ByteBuffer.wrap(m).asReadOnlyBuffer(), 1, false);
        }
        return r;
    }

    private static byte[] hex(String h) {
        h = h.replaceAll("\\s", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** The segments of a recorded session, one direction's datagrams in order. */
    private static List<byte[]> segments(String file) {
        List<byte[]> out = new ArrayList<>();
        for (RecordedSession.Segment s : RecordedSession.load(java.nio.file.Path.of("src/test/resources/sessions", file))
                .segments()) {
            out.add(s.bytes());
        }
        return out;
    }

    @Test
    void answersAreWrittenAsDeepFlowWritesThemSeparatedBySemicolons() {
        List<byte[]> s = segments("udp/written-in-flight-out-of-order.session");
        Run r = datagrams(s.toArray(new byte[0][]));
        assertTrue(r.problems.isEmpty(), r.problems.toString());
        List<String> results = new ArrayList<>();
        for (L7Message m : r.messages) {
            if (m.kind() == MessageKind.RESPONSE) {
                results.add(m.streamId() + " " + m.result());
            }
        }
        assertEquals(List.of(
                "4099 10 60 5060 sip.example.test",
                "4097 10 mail.example.test;20 mx2.example.test;RRSIG",
                "4101 h.test",
                "4098 \"v=spf1 -all\" \"say \\\"hi\\\"; \"",
                "4100 ns1.example.test",
                "4102 ns1.example.test;ns2.example.test",
                "4104 192.0.2.1;192.0.2.2",
                "4103 CAA"), results);
    }

    @Test
    void dnsmasqsCnameAnswerIsItsTargetThenItsAddress() {
        List<byte[]> s = segments("udp/dig-udp-c.test.session");
        Run r = datagrams(s.get(1));
        assertEquals("h.test;10.0.0.7", r.messages.get(0).result());
        assertEquals(0, r.messages.get(0).statusCode());
        assertEquals(ResponseStatus.OK, r.messages.get(0).status());
    }

    @Test
    void ipv6AddressesAreInTheirShortestForm() {
        String[][] cases = {
            {"fd000000000000000000000000000007", "fd00::7"},
            {"00000000000000000000000000000001", "::1"},
            {"00000000000000000000000000000000", "::"},
            {"20010db8000000010000000000000001", "2001:db8:0:1::1"},
            {"20010db8000000000001000000000001", "2001:db8::1:0:0:1"},
            {"00000000000000000000ffffc0000201", "::ffff:192.0.2.1"},
            {"20010db8aaaabbbbccccddddeeeeffff", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff"},
        };
        for (String[] c : cases) {
            byte[] m = hex("abcd 8180 0001 0001 0000 0000 0161 0000 1c 0001 c00c 001c 0001 00000000 0010" + c[0]);
            assertEquals(c[1], datagrams(m).messages.get(0).result(), c[0]);
        }
    }

    @Test
    void extendedRcodeOfEdnsIsPartOfTheResponseCode() {
        // BADVERS: header rcode 0, OPT extended rcode 1
        byte[] m = hex("0001 8180 0001 0000 0000 0001 0161 00 0001 0001 00 0029 1000 01000000 0000");
        L7Message r = datagrams(m).messages.get(0);
        assertEquals(16, r.statusCode());
        assertEquals("BADVERS", r.exception());
        assertEquals(ResponseStatus.SERVER_ERROR, r.status());
    }

    @Test
    void labelBytesThatAreNotPrintableAreEscapedAsDigEscapesThem() {
        // the label "a.b" and a label with a space and a byte 0xff
        byte[] q = hex("0001 0100 0001 0000 0000 0000 03612e62 0361 20ff 00 0001 0001");
        assertEquals("a\\.b.a\\032\\255", datagrams(q).messages.get(0).resource());
    }

    /** A response whose answer name is {@code name} (hex), to check the name rules. */
    private static Run answerNamed(String name) {
        return datagrams(hex("0001 8180 0001 0001 0000 0000 0161 00 0001 0001 " + name + " 0001 0001 00000000 0004 0a000001"));
    }

    @Test
    void compressionPointersThatLoopPointForwardOrOutsideAreRefused() {
        // the answer's name is at byte 19 of a 35-byte message: a pointer to itself, forward (to 31), outside the
        // message, and a loop (a label, then a pointer back to that label)
        assertProblem(answerNamed("c013"), "compression_pointer_forward");
        assertProblem(answerNamed("c01f"), "compression_pointer_forward");
        assertProblem(answerNamed("ffff"), "compression_pointer_out_of_bounds");
        assertProblem(answerNamed("0162 c013"), "compression_pointer_forward");
        // a pointer back to the question's name is what compression is
        Run r = answerNamed("c00c");
        assertTrue(r.problems.isEmpty(), r.problems.toString());
        assertEquals("10.0.0.1", r.messages.get(0).result());
    }

    @Test
    void aChainOfMorePointersThanANameHasLabelsIsRefused() {
        // a NULL record whose data is 200 pointers, each to the one before (the first to the question's name), then
        // an A record whose name is the last of them: each jump goes back, but no name has 200 labels
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(hex("0001 8180 0001 0002 0000 0000 0161 00 0001 0001 c00c 000a 0001 00000000 0190"));
        int prev = 12;
        for (int i = 0; i < 200; i++) {
            int at = b.size();
            b.write(0xc0 | (prev >> 8));
            b.write(prev & 0xff);
            prev = at;
        }
        b.write(0xc0 | (prev >> 8));
        b.write(prev & 0xff);
        b.writeBytes(hex("0001 0001 00000000 0004 0a000001"));
        assertProblem(datagrams(b.toByteArray()), "compression_loop");
    }

    @Test
    void labelsOver63NamesOver255AndCountsPastTheEndAreCountedProblems() {
        assertProblem(answerNamed("4061"), "label_too_long");
        assertProblem(answerNamed("8061"), "label_too_long");
        StringBuilder longName = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            longName.append("3f").append("61".repeat(63));
        }
        assertProblem(answerNamed(longName + "00"), "name_too_long");
        // one answer promised, none there; 65,535 answers promised
        assertProblem(datagrams(hex("0001 8180 0001 0001 0000 0000 0161 00 0001 0001")), "counts_exceed_message");
        assertProblem(datagrams(hex("0001 8180 0001 ffff ffff ffff 0161 00 0001 0001 c00c 0001 0001 00000000 0004 0a000001")),
                "counts_exceed_message");
        // an A record of 5 bytes
        assertProblem(datagrams(hex("0001 8180 0001 0001 0000 0000 0161 00 0001 0001 c00c 0001 0001 00000000 0005 0a00000101")),
                "bad_rdata");
    }

    /** One problem of this kind; the response is still reported (paired by its id), as PARSE_FAILED. */
    private static void assertProblem(Run r, String kind) {
        assertEquals(List.of(kind), r.problems);
        assertEquals(1, r.messages.size());
        assertEquals(ResponseStatus.PARSE_FAILED, r.messages.get(0).status());
        assertEquals(1, r.messages.get(0).streamId());
        assertNotNull(r.messages.get(0).exception());
    }

    @Test
    void aMessageWithoutAReadableQuestionOrHeaderIsDroppedAndCounted() {
        Run r = datagrams(hex("0001 8180"), hex("0001 f800 0001 0000 0000 0000 0161 00 0001 0001"),
                hex("0001 8180 0001 0000 0000 0000 c00c 0001 0001"));
        assertTrue(r.messages.isEmpty());
        assertEquals(List.of("message_too_short", "bad_header", "compression_pointer_forward"), r.problems);
    }

    @Test
    void aDatagramCutByTheCaptureKeepsWhatItHolds() {
        List<byte[]> s = segments("udp/written-in-flight-out-of-order.session");
        byte[] mx = s.get(5); // r1: two MX answers and an RRSIG
        Run r = new Run();
        ProtocolParser p = new DnsParserFactory().newParser(r);
        p.onDatagram(Direction.SERVER_TO_CLIENT, ByteBuffer.wrap(mx, 0, 64).slice().asReadOnlyBuffer(), 1, true);
        assertEquals(List.of("truncated_message"), r.problems);
        assertEquals(ResponseStatus.OK, r.messages.get(0).status());
        assertEquals("10 mail.example.test", r.messages.get(0).result());
    }

    @Test
    void randomDatagramsAreNotDetectedAsDns() {
        DnsParserFactory f = new DnsParserFactory();
        ConnectionInfo c = ConnectionInfo.builder(Transport.UDP).build();
        Random random = new Random(42);
        int claimed = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] junk = new byte[12 + random.nextInt(500)];
            random.nextBytes(junk);
            if (i % 2 == 0) {
                // the header a query has (one question, no records), the rest random: still refused
                System.arraycopy(hex("0100 0001 0000 0000 0000"), 0, junk, 2, 10);
            }
            if (f.detect(ByteBuffer.wrap(junk).asReadOnlyBuffer(), Direction.CLIENT_TO_SERVER, c) == Detection.MATCH) {
                claimed++;
            }
        }
        assertEquals(0, claimed);
        // and a few shapes UDP traffic often has: all zeros, text, an NTP request, a QUIC-like long header
        for (byte[] b : List.of(new byte[48], "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                hex("e3000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                        + "0"), hex("c000000001088394c8f03e5157080000449e00000002"))) {
            assertEquals(Detection.NO_MATCH, f.detect(ByteBuffer.wrap(b).asReadOnlyBuffer(), Direction.CLIENT_TO_SERVER, c));
        }
    }

    @Test
    void digsQueriesAndDnsmasqsAnswersAreDetected() {
        DnsParserFactory f = new DnsParserFactory();
        ConnectionInfo c = ConnectionInfo.builder(Transport.UDP).build();
        for (String file : List.of("dig-udp-a.test", "dig-udp-c.test", "dig-udp-h.test", "dig-udp-nope.test",
                "dig-udp-x.fail.example")) {
            for (byte[] b : segments("udp/" + file + ".session")) {
                assertEquals(Detection.MATCH, f.detect(ByteBuffer.wrap(b).asReadOnlyBuffer(), Direction.CLIENT_TO_SERVER, c), file);
            }
        }
    }

    @Test
    void aTcpStreamOutOfStepFindsTheNextMessage() {
        Run r = new Run();
        ProtocolParser p = new DnsTcpParserFactory().newParser(r);
        List<byte[]> s = segments("tcp/dig-tcp-keepopen.session");
        // garbage first, then the session's queries: the parser finds the first one after the garbage
        byte[] garbage = new byte[300];
        new Random(1).nextBytes(garbage);
        garbage[0] = 0;
        garbage[1] = 5; // a length too short for a header: out of step at once
        p.onData(Direction.CLIENT_TO_SERVER, ByteBuffer.wrap(garbage).asReadOnlyBuffer(), 1);
        for (int i = 0; i < s.size(); i += 2) {
            p.onData(Direction.CLIENT_TO_SERVER, ByteBuffer.wrap(s.get(i)).asReadOnlyBuffer(), 2);
        }
        assertEquals("bad_frame_length", r.problems.get(0));
        assertTrue(r.problems.contains("resynchronised"), r.problems.toString());
        List<String> names = r.messages.stream().map(L7Message::resource).toList();
        assertEquals(List.of("a.test", "h.test", "c.test", "nope.test", "x.fail.example"),
                names.subList(names.size() - 5, names.size()));
        assertNull(r.messages.get(r.messages.size() - 1).exception());
    }
}
