package io.flowscope.api.testkit;

import io.flowscope.api.L7Message;
import java.util.StringJoiner;

/**
 * A one-line summary of an {@link L7Message} that recorded sessions are compared with:
 * {@code KIND [stream=N] [operation] [resource] [code] STATUS bytes=N}, e.g.
 * {@code REQUEST GET /index.html UNKNOWN bytes=78} or {@code RESPONSE 404 CLIENT_ERROR bytes=345}.
 * Times are left out: they depend on how input is cut.
 */
public final class MessageSignature {

    private MessageSignature() {
    }

    /** The signature of a message. */
    public static String of(L7Message m) {
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
        return j.toString();
    }
}
