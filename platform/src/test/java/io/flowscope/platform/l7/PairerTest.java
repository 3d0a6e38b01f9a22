package io.flowscope.platform.l7;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.ResponseStatus;
import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.connection.L7Counts;
import io.flowscope.platform.flow.FlowReport;
import io.flowscope.platform.metrics.PipelineCounters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host's pairing of requests and responses, on its own. */
class PairerTest {

    final List<L7Record> rows = new ArrayList<>();
    final PipelineCounters counters = new PipelineCounters();
    final L7Counts counts = new L7Counts();
    final long[] budgetUsed = new long[1];
    final Pairer pairer = new Pairer(Connection.builder(6).id(1).build(), counts, 20, "p", new RecordSink() {
        @Override
        public void flow(FlowReport f) {
        }

        @Override
        public void l7(L7Record r) {
            rows.add(r);
        }
    }, counters, new Pairer.Budget() {
        @Override
        public boolean reserve(long bytes) {
            budgetUsed[0] += bytes;
            return true;
        }

        @Override
        public void release(long bytes) {
            budgetUsed[0] -= bytes;
        }
    });

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
        assertThat(counts.requests).isEqualTo(2);
        assertThat(counts.serverErrors).isEqualTo(1);
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
        assertThat(budgetUsed[0]).as("what waited is given back to the shared budget").isZero();
        assertThat(counts.timeouts).isEqualTo(1);
    }
}
