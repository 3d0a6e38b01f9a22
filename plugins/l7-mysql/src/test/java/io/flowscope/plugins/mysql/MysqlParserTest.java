package io.flowscope.plugins.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.flowscope.api.testkit.RecordedSession;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the kit's signatures leave out (row counts, affected rows, obfuscation off, problems) and payloads over 16 MiB. */
class MysqlParserTest {

    private final List<L7Message> messages = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private ProtocolParser parser(boolean obfuscate) throws Exception {
        ConnectionInfo connection = ConnectionInfo.builder(Transport.TCP).client(InetAddress.getByName("10.0.0.1"), 40000)
                .server(InetAddress.getByName("10.0.0.2"), 3306).build();
        MessageSink sink = messages::add;
        return new MysqlParserFactory().newParser(new ParserContext() {
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

    private void replay(ProtocolParser p, String session) {
        RecordedSession s = RecordedSession.load(Path.of("src/test/resources/sessions", session));
        long t = 0;
        for (RecordedSession.Segment seg : s.segments()) {
            p.onData(seg.direction(), ByteBuffer.wrap(seg.bytes()).asReadOnlyBuffer(), t += 1000);
        }
        p.onClose();
    }

    private List<L7Message> responses() {
        return messages.stream().filter(m -> m.kind() == MessageKind.RESPONSE).toList();
    }

    @Test
    void resultSetsCountTheirRowsAndOksTheirAffectedRows() throws Exception {
        replay(parser(true), "cli-script.session");
        List<L7Message> r = responses();
        // INSERT of 3 rows, UPDATE of 1, SELECT of 2 rows (EOF packets: the command line does not deprecate them)
        assertEquals(3, r.get(1).affectedRows());
        assertNull(r.get(1).result());
        assertEquals(1, r.get(2).affectedRows());
        assertEquals("2 rows", r.get(3).result());
        assertEquals(L7Message.NO_AFFECTED_ROWS, r.get(3).affectedRows());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void connectorJResultsWithoutEofPackets() throws Exception {
        replay(parser(true), "connector-j-prepared.session");
        List<String> results = responses().stream().map(L7Message::result).filter(x -> x != null).toList();
        assertEquals(List.of("3 rows", "2 rows", "1 row"), results);
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void obfuscationOffShowsStatementsAsSent() throws Exception {
        replay(parser(false), "cli-script.session");
        assertEquals("INSERT INTO items (id, name, price) VALUES (1, 'apple', 0.5), (2, 'pear', 0.75), (3, 'plum', 1.25)",
                messages.stream().filter(m -> "INSERT".equals(m.operation())).findFirst().orElseThrow().resource());
    }

    @Test
    void compressionAndTlsAreReportedAndNotParsed() throws Exception {
        replay(parser(true), "cli-compressed.session");
        assertEquals(List.of("compressed"), problems);
        assertEquals(2, messages.size()); // the login and its OK; nothing of what the compressed packets carry
        messages.clear();
        problems.clear();
        replay(parser(true), "tls-ssl-request.session");
        assertEquals(List.of("tls"), problems);
        assertEquals(1, messages.size());
        assertEquals("true", messages.get(0).attributes().get("tls"));
    }

    @Test
    void obfuscationReplacesLiteralsAndKeepsTheRest() {
        assertEquals("SELECT * FROM t1 WHERE a = ? AND b IN (?, ?, ?) AND c LIKE ? AND d = -? AND e = ?",
                obfuscate("SELECT * FROM t1 WHERE a = 'it''s' AND b IN (1, 2.5, 1e-3) AND c LIKE \"x\\\"y\" AND d = -7 AND e = 0xFF"));
        assertEquals("INSERT INTO `order 2` (col_1, `9x`) VALUES (?, ?, ?, NULL, ?)",
                obfuscate("INSERT INTO `order 2` (col_1, `9x`) VALUES (X'0A', b'101', _utf8mb4'é', NULL, .5)"));
        assertEquals("SELECT /* keep 12 */ a FROM t WHERE b = ? -- comment 3\n AND c = ?",
                obfuscate("SELECT /* keep 12 */ a FROM t WHERE b = 42 -- comment 3\n AND c = ?"));
        assertEquals("SELECT ? FROM t WHERE s = ?", obfuscate("SELECT 1 FROM t WHERE s = 'unterminated"));
        assertEquals("SELECT", SqlText.verb(bytes("  /* c */ (select 1)"), 0, bytes("  /* c */ (select 1)").length));
    }

    private static String obfuscate(String sql) {
        byte[] b = bytes(sql);
        return SqlText.text(b, 0, b.length, true, new byte[b.length]);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A statement of 17 MiB: two packets (one of 0xffffff bytes, then the rest); kept in part, never buffered whole. */
    @Test
    void payloadsOver16MiBAreFramedWithoutBeingBuffered() throws Exception {
        ProtocolParser p = parser(true);
        int total = 17 * 1024 * 1024;
        byte[] sql = new byte[total];
        java.util.Arrays.fill(sql, (byte) '1');
        byte[] head = bytes("INSERT INTO t VALUES (");
        System.arraycopy(head, 0, sql, 1, head.length);
        sql[0] = Wire.COM_QUERY;
        sql[total - 1] = ')';
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int first = Wire.MAX_PACKET;
        wire.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0});
        wire.write(sql, 0, first);
        int rest = total - first;
        wire.write(new byte[] {(byte) rest, (byte) (rest >> 8), (byte) (rest >> 16), 1});
        wire.write(sql, first, rest);
        byte[] all = wire.toByteArray();
        long maxHeld = 0;
        for (int at = 0; at < all.length; at += 65536) {
            p.onData(Direction.CLIENT_TO_SERVER, ByteBuffer.wrap(all, at, Math.min(65536, all.length - at)).asReadOnlyBuffer(), 1);
            maxHeld = Math.max(maxHeld, p.retainedBytes());
        }
        // the response to it starts at sequence id 2; then a ping
        p.onData(Direction.SERVER_TO_CLIENT, ByteBuffer.wrap(new byte[] {7, 0, 0, 2, 0, 1, 0, 2, 0, 0, 0}), 2);
        p.onData(Direction.CLIENT_TO_SERVER, ByteBuffer.wrap(new byte[] {1, 0, 0, 0, Wire.COM_PING}), 3);
        p.onData(Direction.SERVER_TO_CLIENT, ByteBuffer.wrap(new byte[] {7, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0}), 4);
        assertEquals(4, messages.size());
        L7Message insert = messages.get(0);
        assertEquals("INSERT", insert.operation());
        assertEquals(all.length, insert.bytes());
        assertTrue(insert.resource().startsWith("INSERT INTO t VALUES (?"), insert.resource());
        assertEquals(1, messages.get(1).affectedRows());
        assertEquals("COM_PING", messages.get(2).operation());
        assertTrue(maxHeld < MysqlParser.MAX_STATE_BYTES, "held " + maxHeld);
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /** A hole inside a result set: that response is reported incomplete, and the next command pairs as before. */
    @Test
    void aGapInsideAResultSetLosesThatResponseOnly() throws Exception {
        RecordedSession s = RecordedSession.load(Path.of("src/test/resources/sessions/cli-script.session"));
        ProtocolParser p = parser(true);
        int segment = 0;
        for (RecordedSession.Segment seg : s.segments()) {
            byte[] b = seg.bytes();
            if (segment++ == 8) { // the SELECT's result set: 201 bytes
                p.onData(seg.direction(), ByteBuffer.wrap(b, 0, 60), segment);
                p.onGap(seg.direction(), b.length - 60);
            } else {
                p.onData(seg.direction(), ByteBuffer.wrap(b), segment);
            }
        }
        p.onClose();
        List<L7Message> r = responses();
        assertEquals(ResponseStatus.UNKNOWN, r.get(3).status());
        assertEquals("incomplete", r.get(3).attributes().get("capture"));
        assertEquals(1146, r.get(4).statusCode());
        long requests = messages.stream().filter(m -> m.kind() == MessageKind.REQUEST && m.expectsResponse()).count();
        assertEquals(requests, r.size());
    }
}
