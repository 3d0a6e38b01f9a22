package io.flowscope.api.testkit;

import io.flowscope.api.L7Message;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A one-line form of every field of an {@link L7Message}, which recorded sessions are compared with:
 * {@code KIND [stream=N] [operation] [resource] [code] STATUS bytes=N}, then each other field that is set,
 * as {@code name=value}: {@code version}, {@code domain}, {@code endpoint}, {@code trace}, {@code span},
 * {@code exception}, {@code attrs={k=v, …}}, {@code noresponse}, and {@code t=+start..+end}, the
 * message's first- and last-byte times in µs after the session's start. For example
 * {@code REQUEST GET /a?x=1 UNKNOWN bytes=32 version=1.1 domain=h endpoint=/a t=+0..+0}.
 */
public final class MessageSignature {

    private MessageSignature() {
    }

    /** The signature of a message, times relative to {@code sessionStartMicros}. */
    public static String of(L7Message m, long sessionStartMicros) {
        StringJoiner j = new StringJoiner(" ");
        j.add(m.kind().name());
        if (m.streamId() != L7Message.NO_STREAM) {
            j.add("stream=" + m.streamId());
        }
        if (m.operation() != null) {
            j.add(m.operation());
        }
        if (m.resource() != null) {
            j.add(m.resource());
        }
        if (m.hasStatusCode()) {
            j.add(Integer.toString(m.statusCode()));
        }
        j.add(m.status().name());
        j.add("bytes=" + m.bytes());
        field(j, "version", m.version());
        field(j, "domain", m.domain());
        field(j, "endpoint", m.endpoint());
        field(j, "trace", m.traceId());
        field(j, "span", m.spanId());
        field(j, "exception", m.exception());
        if (!m.attributes().isEmpty()) {
            j.add("attrs=" + new TreeMap<>(m.attributes()));
        }
        if (m.kind() == io.flowscope.api.MessageKind.REQUEST && !m.expectsResponse()) {
            j.add("noresponse");
        }
        j.add("t=+" + (m.startMicros() - sessionStartMicros) + "..+" + (m.endMicros() - sessionStartMicros));
        return j.toString();
    }

    /** The signature without its times (for checks where the input's timing is not the session's). */
    public static String withoutTimes(String signature) {
        int t = signature.lastIndexOf(" t=+");
        return t < 0 ? signature : signature.substring(0, t);
    }

    private static void field(StringJoiner j, String name, String value) {
        if (value != null) {
            j.add(name + "=" + value.replace(" ", "\\s"));
        }
    }
}
