package io.flowscope.plugins.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ResponseStatus;
import io.flowscope.api.Transport;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the recorded sessions cannot show: sizes at the limits, obfuscation off, garbage and depth bounds. */
class RedisParserTest {

    private final List<L7Message> messages = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private ProtocolParser parser(boolean obfuscate) throws Exception {
        ConnectionInfo connection = ConnectionInfo.builder(Transport.TCP).client(InetAddress.getByName("10.0.0.1"), 40000)
                .server(InetAddress.getByName("10.0.0.2"), 6379).build();
        MessageSink sink = messages::add;
        return new RedisParserFactory().newParser(new ParserContext() {
            @Override
            public MessageSink sink() {
                return sink;
            }

            @Override
            public ConnectionInfo connection() {
                return connection;
            }

            @Override
            public boolean obfuscate() {
                return obfuscate;
            }

            @Override
            public void reportProblem(String kind, String message) {
                problems.add(kind);
            }
        });
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }

    @Test
    void aBulkStringOf512MegabytesIsSkippedByItsLengthBothWays() throws Exception {
        ProtocolParser p = parser(true);
        long size = 512L * 1024 * 1024;
        byte[] chunk = new byte[1 << 20];
        p.onData(Direction.CLIENT_TO_SERVER, bytes("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + size + "\r\n"), 1);
        for (long sent = 0; sent < size; sent += chunk.length) {
            p.onData(Direction.CLIENT_TO_SERVER, ByteBuffer.wrap(chunk).asReadOnlyBuffer(), 2);
            assertTrue(p.retainedBytes() <= RedisParser.MAX_STATE_BYTES);
        }
        p.onData(Direction.CLIENT_TO_SERVER, bytes("\r\n"), 3);
        p.onData(Direction.SERVER_TO_CLIENT, bytes("$" + size + "\r\n"), 4);
        for (long sent = 0; sent < size; sent += chunk.length) {
            p.onData(Direction.SERVER_TO_CLIENT, ByteBuffer.wrap(chunk).asReadOnlyBuffer(), 5);
        }
        p.onData(Direction.SERVER_TO_CLIENT, bytes("\r\n"), 6);
        assertEquals(2, messages.size());
        assertEquals("SET big ?", messages.get(0).resource());
        assertEquals(size + 36, messages.get(0).bytes());
        assertEquals(1, messages.get(0).startMicros());
        assertEquals(3, messages.get(0).endMicros());
        assertEquals(size + 14, messages.get(1).bytes());
        assertEquals(ResponseStatus.OK, messages.get(1).status());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void withoutObfuscationValuesAreKeptButPasswordsNever() throws Exception {
        ProtocolParser p = parser(false);
        p.onData(Direction.CLIENT_TO_SERVER, bytes("*3\r\n$3\r\nset\r\n$6\r\nuser:1\r\n$5\r\nalice\r\n"
                + "*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*3\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$6\r\nsecret\r\n"
                + "*5\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$6\r\nsecret\r\n"
                + "*8\r\n$7\r\nMIGRATE\r\n$1\r\nh\r\n$1\r\n1\r\n$1\r\nk\r\n$1\r\n0\r\n$2\r\n10\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n"
                + "*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$10\r\nmasterauth\r\n$6\r\nsecret\r\n"
                + "AUTH secret\r\n"), 1);
        List<String> resources = messages.stream().map(L7Message::resource).toList();
        assertEquals(List.of("set user:1 alice", "AUTH ?", "AUTH ?", "HELLO 3 AUTH ?", "MIGRATE h 1 k 0 10 AUTH ?",
                "CONFIG SET masterauth ?", "AUTH ?"), resources);
        assertEquals("SET", messages.get(0).operation());
        assertTrue(messages.stream().noneMatch(m -> m.resource().contains("secret")));
    }

    @Test
    void twoWordCommandsAreNamedByTheirFirstWordAsDeepFlowDoes() throws Exception {
        ProtocolParser p = parser(true);
        p.onData(Direction.CLIENT_TO_SERVER, bytes("*3\r\n$6\r\nclient\r\n$7\r\nsetname\r\n$2\r\nme\r\n"
                + "*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$9\r\nmaxmemory\r\n"), 1);
        assertEquals(List.of("CLIENT", "CONFIG"), messages.stream().map(L7Message::operation).toList());
        assertEquals(List.of("client setname me", "CONFIG GET maxmemory"), messages.stream().map(L7Message::resource).toList());
    }

    @Test
    void longResourcesAndErrorsAreCut() throws Exception {
        ProtocolParser p = parser(true);
        String key = "k".repeat(5000);
        p.onData(Direction.CLIENT_TO_SERVER, bytes("*2\r\n$3\r\nGET\r\n$5000\r\n" + key + "\r\n"), 1);
        p.onData(Direction.SERVER_TO_CLIENT, bytes("-ERR " + "e".repeat(1000) + "\r\n"), 2);
        assertEquals(CommandReader.MAX_RESOURCE + 3, messages.get(0).resource().length());
        assertTrue(messages.get(0).resource().endsWith("kkk..."));
        assertEquals(ReplyReader.MAX_ERROR + 3, messages.get(1).exception().length());
        assertEquals(ResponseStatus.SERVER_ERROR, messages.get(1).status());
    }

    @Test
    void garbageIsReportedAndTheNextCommandFound() throws Exception {
        ProtocolParser p = parser(true);
        p.onData(Direction.CLIENT_TO_SERVER, bytes("*2\r\n$3\r\nGET\r\nxx\u0001\u0002junk*garbage\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), 1);
        assertEquals(List.of("malformed_command"), problems);
        assertEquals(1, messages.size());
        assertEquals("GET k", messages.get(0).resource());
    }

    @Test
    void repliesNestedTooDeepAreGarbageAndLaterRepliesAreFound() throws Exception {
        ProtocolParser p = parser(true);
        p.onData(Direction.CLIENT_TO_SERVER, bytes("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n"), 1);
        p.onData(Direction.SERVER_TO_CLIENT, bytes("*1\r\n".repeat(ReplyReader.MAX_DEPTH + 1) + ":1\r\n+PONG\r\n"), 2);
        assertEquals(List.of("malformed_reply"), problems);
        List<L7Message> responses = messages.stream().filter(m -> m.kind() == MessageKind.RESPONSE).toList();
        assertEquals(2, responses.size());
        assertEquals(ResponseStatus.PARSE_FAILED, responses.get(0).status());
        assertEquals(ResponseStatus.OK, responses.get(1).status());
        assertEquals(7, responses.get(1).bytes());
    }

    /**
     * Commands lying whole in one buffer take CommandReader's fast path; fed a byte at a time they take the state
     * machine. Both must give the same messages and problems, also around what the fast path hands back (a
     * zero-length argument, more than 64 arguments, a lying bulk length, garbage between commands).
     */
    @Test
    void theFastPathForWholeCommandsGivesWhatTheByteAtATimePathGives() throws Exception {
        StringBuilder wide = new StringBuilder("*70\r\n$4\r\nMSET\r\n");
        for (int k = 0; k < 69; k++) {
            wide.append("$2\r\nk").append(k % 10).append("\r\n");
        }
        String pipeline = "*2\r\n$3\r\nGET\r\n$0\r\n\r\n"
                + wide
                + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nlonger\r\n"
                + "*1\r\n$4\r\nPING\r\n"
                + "+garbage\r\n"
                + "*2\r\n$4\r\necho\r\n$5\r\nhello\r\n"
                + "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
        ProtocolParser whole = parser(true);
        whole.onData(Direction.CLIENT_TO_SERVER, bytes(pipeline), 7);
        List<L7Message> fast = List.copyOf(messages);
        List<String> fastProblems = List.copyOf(problems);
        messages.clear();
        problems.clear();
        ProtocolParser bytewise = parser(true);
        byte[] b = pipeline.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            bytewise.onData(Direction.CLIENT_TO_SERVER, ByteBuffer.wrap(new byte[] {x}).asReadOnlyBuffer(), 7);
        }
        assertEquals(messages, fast);
        assertEquals(problems, fastProblems);
        assertTrue(fast.size() >= 4, "commands found: " + fast);
        assertEquals("GET", fast.get(0).operation());
        assertEquals("MSET", fast.get(1).operation());
        assertEquals("ECHO", fast.get(fast.size() - 2).operation());
        assertEquals("GET key", fast.get(fast.size() - 1).resource());
    }
}
