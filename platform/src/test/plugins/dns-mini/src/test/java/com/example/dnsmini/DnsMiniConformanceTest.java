package com.example.dnsmini;

import io.flowscope.api.Direction;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.ParserConformanceKit;
import io.flowscope.api.testkit.RecordedSession;
import java.io.ByteArrayOutputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The kit in datagram mode: splits and gaps do not apply (reported as skipped); the ids are checked. */
class DnsMiniConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new DnsMiniParserFactory();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.DATAGRAM, Capability.MULTIPLEXED);
    }

    @Override
    protected byte[] unterminatedMessagePrefix() {
        return query(1, "a.example", 1);
    }

    @Override
    protected List<RecordedSession> sessions() {
        return List.of(
                RecordedSession.named("two queries answered out of order")
                        .segment(Direction.CLIENT_TO_SERVER, query(0x1234, "flowscope.example", 1))
                        .segment(Direction.CLIENT_TO_SERVER, query(0x1235, "missing.example", 28))
                        .segment(Direction.SERVER_TO_CLIENT, answer(0x1235, "missing.example", 28, 3))
                        .segment(Direction.SERVER_TO_CLIENT, answer(0x1234, "flowscope.example", 1, 0))
                        .expect("REQUEST stream=4660 A flowscope.example UNKNOWN bytes=35 version=dns domain=flowscope.example t=+0..+0")
                        .expect("REQUEST stream=4661 AAAA missing.example UNKNOWN bytes=33 version=dns domain=missing.example t=+1000..+1000")
                        .expect("RESPONSE stream=4661 AAAA missing.example 3 CLIENT_ERROR bytes=33 version=dns domain=missing.example exception=NXDOMAIN t=+2000..+2000")
                        .expect("RESPONSE stream=4660 A flowscope.example 0 OK bytes=35 version=dns domain=flowscope.example t=+3000..+3000")
                        .build());
    }

    static byte[] query(int id, String name, int type) {
        return message(id, 0x0100, name, type);
    }

    static byte[] answer(int id, String name, int type, int rcode) {
        return message(id, 0x8180 | rcode, name, type);
    }

    static byte[] message(int id, int flags, String name, int type) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int[] head = {id >> 8, id, flags >> 8, flags, 0, 1, 0, 0, 0, 0, 0, 0};
        for (int x : head) {
            b.write(x & 0xff);
        }
        for (String label : name.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        b.write(0);
        b.write(type >> 8);
        b.write(type);
        b.write(0);
        b.write(1);
        return b.toByteArray();
    }
}
