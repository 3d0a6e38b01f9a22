package com.example.kvline;

import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.ParserConformanceKit;
import io.flowscope.api.testkit.RecordedSession;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** kvline against Flowscope's conformance kit. */
class KvLineConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new KvLineParserFactory();
    }

    @Override
    protected byte[] unterminatedMessagePrefix() {
        return "fetch ".getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected List<RecordedSession> sessions() {
        return List.of(
                RecordedSession.named("store and fetch")
                        .client("store color blue\n").server("ok\n")
                        .client("fetch color\nfetch missing\n").server("value blue\nerror no such key\n")
                        // every field of every message; t= is µs after the session's start (segment i at i ms)
                        .expect("REQUEST STORE color UNKNOWN bytes=17 t=+0..+0")
                        .expect("RESPONSE OK bytes=3 t=+1000..+1000")
                        .expect("REQUEST FETCH color UNKNOWN bytes=12 t=+2000..+2000")
                        .expect("REQUEST FETCH missing UNKNOWN bytes=14 t=+2000..+2000")
                        .expect("RESPONSE OK bytes=11 t=+3000..+3000")
                        .expect("RESPONSE CLIENT_ERROR bytes=18 exception=no\\ssuch\\skey t=+3000..+3000")
                        .build());
    }
}
