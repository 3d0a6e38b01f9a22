package io.flowscope.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowscope.api.ResponseStatus;
import io.flowscope.platform.store.LogQuery.Field;
import io.flowscope.platform.store.LogQuery.Ip;
import io.flowscope.platform.testing.LogRows;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Log queries rendered to DuckDB SQL and run on a store file with rows of known values ({@link LogRows}). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DuckDbLogQueriesTest {

    static final LogQuery ALL = LogQuery.page(100, 0);

    @TempDir
    static Path dir;

    DuckDbStore store;

    @BeforeAll
    void knownRows() throws Exception {
        store = DuckDbStore.open(dir);
        LogRows.insert(store);
    }

    @AfterAll
    void close() throws Exception {
        store.close();
    }

    @Test
    void aTimeRangeSelectsTheRowsThatOverlapIt() throws Exception {
        assertThat(flows(ALL)).containsExactly(1L, 2L, 3L);
        // flow 2 lasts from 10:00:02 to 10:00:03
        assertThat(flows(ALL.withFrom(micros("2024-05-01T10:00:03Z")))).containsExactly(2L, 3L);
        assertThat(flows(ALL.withFrom(micros("2024-05-01T10:00:03.000001Z")))).containsExactly(3L);
        assertThat(flows(ALL.withTo(micros("2024-05-01T10:00:02Z")))).containsExactly(1L, 2L);
        assertThat(flows(ALL.withTo(micros("2024-05-01T10:00:01.999999Z")))).containsExactly(1L);
        assertThat(flows(ALL.withFrom(micros("2024-05-01T10:00:02.5Z")).withTo(micros("2024-05-01T10:00:02.6Z"))))
                .containsExactly(2L);
        assertThat(requests(ALL.withTo(micros("2024-05-01T10:00:00.1Z")))).containsExactly(11L);
    }

    @Test
    void anAddressOrAPortMatchesEitherSide() throws Exception {
        assertThat(flows(ALL.withIp(Ip.parse("10.0.0.2")))).containsExactly(1L, 2L);
        assertThat(flows(ALL.withIp(Ip.parse("10.0.0.3")))).containsExactly(2L);
        assertThat(flows(ALL.withIp(new Ip.V6("2001:DB8:0:0:0:0:0:2")))).containsExactly(3L);
        assertThat(requests(ALL.withIp(new Ip.V6("2001:db8::1")))).containsExactly(13L);
        assertThat(flows(ALL.withIp(Ip.parse("::1")))).isEmpty();
        assertThat(flows(ALL.withPort(53))).containsExactly(2L);
        assertThat(flows(ALL.withPort(41000))).containsExactly(3L);
        assertThat(requests(ALL.withPort(80).withIp(Ip.parse("10.0.0.1")))).containsExactly(11L, 12L);
    }

    @Test
    void fieldsAreComparedInTheColumnsEachTableHas() throws Exception {
        assertThat(flows(ALL.withEqual(Field.PROTOCOL, 17))).containsExactly(2L);
        assertThat(requests(ALL.withEqual(Field.PROTOCOL, 6))).containsExactly(11L, 12L, 13L);
        assertThat(requests(ALL.withEqual(Field.L7_PROTOCOL_NAME, "kvline"))).containsExactly(13L);
        assertThat(requests(ALL.withEqual(Field.RESPONSE_STATUS, ResponseStatus.CLIENT_ERROR))).containsExactly(12L);
        assertThat(requests(ALL.withEqual(Field.RESPONSE_STATUS, ResponseStatus.TIMEOUT))).isEmpty();
        assertThat(requests(ALL.withEqual(Field.L7_PROTOCOL_NAME, "http1").withEqual(Field.RESPONSE_CODE, 200)))
                .containsExactly(11L);
        assertThat(requests(ALL.withEqual(Field.RESPONSE_CODE, 200).withEqual(Field.RESPONSE_CODE, null)))
                .containsExactly(11L, 12L, 13L);
        assertThatThrownBy(() -> store.flows(ALL.withEqual(Field.RESPONSE_CODE, 200)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RESPONSE_CODE");
        assertThatThrownBy(() -> ALL.withEqual(Field.RESPONSE_STATUS, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pagesFollowStartTimeThenId() throws Exception {
        Page first = store.flows(LogQuery.page(2, 0));
        assertThat(ids(first, "flow_id")).containsExactly(1L, 2L);
        assertThat(first.nextOffset()).isEqualTo(2);
        Page last = store.flows(LogQuery.page(2, 2));
        assertThat(ids(last, "flow_id")).containsExactly(3L);
        assertThat(last.nextOffset()).isNull();
        assertThat(store.requests(LogQuery.page(1, 1)).rows()).singleElement()
                .satisfies(r -> assertThat(r.get("_id")).isEqualTo(12L));
        assertThat(store.requests(LogQuery.page(5, 3)).rows()).isEmpty();
    }

    @Test
    void valuesTravelAsParametersNeverAsText() {
        DuckDbLogQueries.Sql s = DuckDbLogQueries.render(DuckDbLogQueries.REQUESTS, ALL.withFrom(1L).withTo(2L)
                .withIp(new Ip.V6("::1")).withPort(80).withEqual(Field.L7_PROTOCOL_NAME, "x' OR '1'='1")
                .withEqual(Field.RESPONSE_STATUS, ResponseStatus.OK));
        assertThat(s.text()).doesNotContain("'").endsWith(" ORDER BY start_time, _id LIMIT 100 OFFSET 0");
        assertThat(s.params()).containsExactly(1L, 2L, "::1", "::1", 80, 80, "x' OR '1'='1", 0);
    }

    private List<Long> flows(LogQuery q) throws Exception {
        return ids(store.flows(q), "flow_id");
    }

    private List<Long> requests(LogQuery q) throws Exception {
        return ids(store.requests(q), "_id");
    }

    private static List<Long> ids(Page p, String key) {
        return p.rows().stream().map(r -> ((Number) r.get(key)).longValue()).toList();
    }

    private static long micros(String instant) {
        Instant i = Instant.parse(instant);
        return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
    }
}
