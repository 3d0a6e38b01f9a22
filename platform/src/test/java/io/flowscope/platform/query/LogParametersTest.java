package io.flowscope.platform.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowscope.platform.store.LogQuery;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parameters of /flows and /requests, checked and turned into a store's query, on their own. */
class LogParametersTest {

    @Test
    void timesAddressesAndPortsBecomeAQuery() {
        LogQuery q = LogParameters.query("2024-05-01T10:00:00Z", "1714557600.5", "10.0.0.1", 443, 50, 100);
        assertThat(q).isEqualTo(new LogQuery(1_714_557_600_000_000L, 1_714_557_600_500_000L,
                new LogQuery.Ip.V4(167_772_161L), 443, Map.of(), 50, 100));
        assertThat(LogParameters.query(null, null, "2001:DB8:0:0:0:0:0:1", null, null, null))
                .isEqualTo(LogQuery.page(LogParameters.DEFAULT_LIMIT, 0).withIp(new LogQuery.Ip.V6("2001:db8::1")));
    }

    @Test
    void badValuesAreRefusedWithTheParameterNamed() {
        assertThatThrownBy(() -> LogParameters.ip("10.0.0.999")).hasMessageStartingWith("ip: ");
        assertThatThrownBy(() -> LogParameters.port(70000)).hasMessageStartingWith("port: ");
        assertThatThrownBy(() -> LogParameters.micros("yesterday", "from")).hasMessageStartingWith("from: ");
        assertThatThrownBy(() -> LogParameters.micros("+999999999-12-31T23:59:59Z", "from")).hasMessageContaining("outside");
        assertThatThrownBy(() -> LogParameters.micros("1969-12-31T23:59:59Z", "to")).hasMessageContaining("outside");
        assertThat(LogParameters.micros("2262-04-11T23:47:16Z", "to")).isEqualTo(9_223_372_036_000_000L);
        assertThatThrownBy(() -> LogParameters.limit(0)).hasMessageStartingWith("limit: ");
        assertThatThrownBy(() -> LogParameters.offset(-1)).hasMessageStartingWith("offset: ");
        assertThat(LogParameters.limit(null)).isEqualTo(LogParameters.DEFAULT_LIMIT);
    }

    @Test
    void theFirstBadParameterIsTheOneNamed() {
        assertThatThrownBy(() -> LogParameters.query("yesterday", null, "x", 70000, 0, null)).hasMessageStartingWith("limit: ");
        assertThatThrownBy(() -> LogParameters.query("yesterday", null, "x", 70000, null, -1)).hasMessageStartingWith("offset: ");
        assertThatThrownBy(() -> LogParameters.query("yesterday", "later", "x", 70000, null, null)).hasMessageStartingWith("from: ");
        assertThatThrownBy(() -> LogParameters.query(null, "later", "x", 70000, null, null)).hasMessageStartingWith("to: ");
        assertThatThrownBy(() -> LogParameters.query(null, null, "x", 70000, null, null)).hasMessageStartingWith("ip: ");
    }
}
