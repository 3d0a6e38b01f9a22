package io.flowscope.platform.l7;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.ResponseStatus;
import io.flowscope.platform.flow.Flow;
import io.flowscope.platform.flow.FlowGenerator;
import io.flowscope.platform.flow.FlowListener;
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.packet.MetaPacket;
import io.flowscope.platform.packet.PacketDecoder;
import io.flowscope.platform.testing.TcpConversation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The host's pairing of requests and responses, on its own. */
class PairerTest {

    final List<L7Record> rows = new ArrayList<>();
    final PipelineCounters counters = new PipelineCounters();
    final Flow flow = aFlow();
    final Pairer pairer = new Pairer(flow, 20, "p", new RecordSink() {
        @Override
        public void flow(Flow f) {
        }

        @Override
        public void l7(L7Record r) {
            rows.add(r);
        }
    }, counters);

    /** A real flow object, made by the flow generator from one small connection. */
    static Flow aFlow() {
        List<Flow> out = new ArrayList<>();
        FlowGenerator g = new FlowGenerator(new FlowListener() {
            @Override
            public void payload(Flow f, int side, ByteBuffer b, int off, int len, long ts) {
            }

            @Override
            public void gap(Flow f, int side, long lost) {
            }

            @Override
            public void flowEnded(Flow f) {
                out.add(f);
            }
        }, () -> 1, Set.of(), 10);
        PacketDecoder d = new PacketDecoder();
        MetaPacket m = new MetaPacket();
        for (byte[] f : new TcpConversation("10.0.0.1", 40000, "10.0.0.2", 80).close()) {
            d.decode(ByteBuffer.wrap(f), 0, f.length, f.length, 1_000_000, 1, 0, m);
            g.packet(m);
        }
        g.finish();
        return out.get(0);
    }

    static L7Message req(String op, long stream) {
        return L7Message.request("p").operation(op).streamId(stream).time(1, 2).build();
    }

    static L7Message resp(int code, long stream) {
        return L7Message.response("p").statusCode(code).status(code >= 500 ? ResponseStatus.SERVER_ERROR : ResponseStatus.OK)
                .streamId(stream).time(3, 4).build();
    }

    List<String> summary() {
        return rows.stream().map(r -> r.type + " " + (r.request != null ? r.request.operation() : "-") + " "
                + (r.response != null ? r.response.statusCode() : "-") + " " + r.status).toList();
    }

    @Test
    void inOrderProtocolsPairFirstInFirstOut() {
        pairer.add(req("A", L7Message.NO_STREAM));
        pairer.add(req("B", L7Message.NO_STREAM));
        pairer.add(resp(200, L7Message.NO_STREAM));
        pairer.add(resp(500, L7Message.NO_STREAM));
        assertThat(summary()).containsExactly("SESSION A 200 OK", "SESSION B 500 SERVER_ERROR");
        assertThat(rows.get(0).duration()).isEqualTo(3);
        assertThat(flow.l7Requests).isEqualTo(2);
        assertThat(flow.l7ServerErrors).isEqualTo(1);
    }

    @Test
    void streamIdsPairOutOfOrderAndAloneResponsesAreKept() {
        pairer.add(req("A", 1));
        pairer.add(req("B", 2));
        pairer.add(resp(204, 2));
        pairer.add(resp(200, 1));
        pairer.add(resp(404, 9));
        assertThat(summary()).containsExactly("SESSION B 204 OK", "SESSION A 200 OK", "RESPONSE - 404 OK");
    }

    @Test
    void theOldestPendingRequestIsEvictedNotAnyOne() {
        // stream ids falling, so that a hash map's own order (lowest bucket first) is not the age order
        for (int i = 0; i <= Pairer.MAX_PENDING; i++) {
            pairer.add(req("R" + i, 5000 - i));
        }
        assertThat(summary()).containsExactly("REQUEST R0 - UNKNOWN");
        assertThat(counters.errors()).containsEntry("l7_pairing_queue_full", 1L);
        pairer.add(resp(200, 4999));
        assertThat(summary().get(1)).isEqualTo("SESSION R1 200 OK");
    }

    @Test
    void requestsLeftWhenTheConnectionEndsTimeOutAndOneWayOnesNeverWait() {
        pairer.add(L7Message.request("p").operation("PUSH").noResponseExpected().build());
        pairer.add(req("WAIT", L7Message.NO_STREAM));
        assertThat(summary()).containsExactly("REQUEST PUSH - OK");
        pairer.flush(true);
        assertThat(summary()).containsExactly("REQUEST PUSH - OK", "REQUEST WAIT - TIMEOUT");
        assertThat(rows.get(1).type).isEqualTo(MessageKind.REQUEST);
        assertThat(flow.l7Timeouts).isEqualTo(1);
    }
}
