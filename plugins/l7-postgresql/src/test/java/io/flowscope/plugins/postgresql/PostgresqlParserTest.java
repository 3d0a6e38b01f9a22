package io.flowscope.plugins.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.Transport;
import io.flowscope.api.testkit.RecordedSession;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the kit's signatures do not show: {@code response_result} and {@code sql_affected_rows}, the text
 * with obfuscation off, problems reported, and that a password never reaches a message.
 */
class PostgresqlParserTest {

    private final List<L7Message> messages = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private List<L7Message> run(String session, boolean obfuscate) throws Exception {
        ConnectionInfo c = ConnectionInfo.builder(Transport.TCP).client(InetAddress.getByName("10.0.0.1"), 40000)
                .server(InetAddress.getByName("10.0.0.2"), 5432).build();
        MessageSink sink = messages::add;
        ProtocolParser p = new PostgresqlParserFactory().newParser(new ParserContext() {
            @Override
            public MessageSink sink() {
                return sink;
            }

            @Override
            public ConnectionInfo connection() {
                return c;
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
        long t = 0;
        for (RecordedSession.Segment s : RecordedSession.load(Path.of("src/test/resources/sessions", session)).segments()) {
            p.onData(s.direction(), ByteBuffer.wrap(s.bytes()).asReadOnlyBuffer(), t += 1000);
        }
        p.onClose();
        return messages;
    }

    @Test
    void sqlStatesAndRowCounts() throws Exception {
        List<L7Message> responses = run("pg15-psql-simple-and-errors.session", true).stream()
                .filter(m -> m.kind() == MessageKind.RESPONSE).toList();
        List<String> results = responses.stream().map(L7Message::result).toList();
        List<Long> rows = responses.stream().map(L7Message::affectedRows).toList();
        assertEquals(java.util.Arrays.asList(null, null, null, null, null, "42P01", "42601", "22012", null), results);
        assertEquals(List.of(-1L, -1L, 5L, 3L, 5L, -1L, -1L, -1L, 1L), rows);
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void textAsSentWhenObfuscationIsOff() throws Exception {
        L7Message q = run("written-obfuscation.session", false).get(0);
        assertTrue(q.resource().startsWith("SELECT 'it''s', E'a\\'b', B'101', X'FF'"), q.resource());
        assertTrue(q.resource().contains("$tag$x$y$tag$, 42, -7, 3.5"), q.resource());
    }

    @Test
    void obfuscation() {
        assertEquals("SELECT ? FROM t WHERE a = $1 AND b IN (?, ?) AND c = ?",
                text("SELECT 1 FROM t WHERE a = $1 AND b IN (2, -3.5e2) AND c = 'x''y'"));
        assertEquals("SELECT ?", text("SELECT $body$ it's $$ inside $body$"));
        assertEquals("INSERT INTO t2 (c1) VALUES (?) -- 'note' 5", text("INSERT INTO t2 (c1) VALUES (E'\\n') -- 'note' 5"));
        assertEquals("SELECT \"a 1\", x1, ?::int", text("SELECT \"a 1\", x1, '5'::int"));
        assertEquals("SELECT ?", text("SELECT 'never closed"));
        assertEquals("WITH", verb("  (with x as (select 1) select * from x)"));
        assertEquals("SELECT", verb("/* c */ -- d\nselect 1"));
        assertEquals(null, verb("  ;"));
    }

    @Test
    void passwordsNeverReachAMessage() throws Exception {
        List<L7Message> all = run("written-startup-password-refused.session", true);
        assertEquals(2, all.size());
        for (L7Message m : all) {
            assertFalse(m.toString().contains("hunter2"), m.toString());
        }
        assertEquals("28P01", all.get(1).result());
    }

    @Test
    void encryptedConnectionIsReportedAndNotParsed() throws Exception {
        assertTrue(run("written-ssl-accepted.session", true).isEmpty());
        assertEquals(List.of("encrypted"), problems);
    }

    private static String text(String sql) {
        byte[] b = bytes(sql);
        return SqlText.resource(b, 0, b.length, true);
    }

    private static String verb(String sql) {
        byte[] b = bytes(sql);
        return SqlText.verb(b, 0, b.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
