package io.flowscope.platform.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The WHERE clause of /flows and /requests, built from request parameters, on its own. */
class LogFilterTest {

    @Test
    void timesAddressesAndPortsBecomeParameters() {
        LogFilter f = new LogFilter().timeRange("2024-05-01T10:00:00Z", "1714557600.5").ip("10.0.0.1").port(443)
                .equal("protocol", 6);
        assertThat(f.where()).isEqualTo(" WHERE 1=1 AND end_time >= make_timestamp(?) AND start_time <= make_timestamp(?)"
                + " AND (ip4_0 = ? OR ip4_1 = ?) AND (client_port = ? OR server_port = ?) AND protocol = ?");
        assertThat(f.params()).isEqualTo(List.of(1_714_557_600_000_000L, 1_714_557_600_500_000L, 167_772_161L, 167_772_161L,
                443, 443, 6));
        LogFilter v6 = new LogFilter().ip("2001:DB8:0:0:0:0:0:1");
        assertThat(v6.where()).contains("ip6_0 = ?");
        assertThat(v6.params()).containsExactly("2001:db8::1", "2001:db8::1");
    }

    @Test
    void badValuesAreRefusedWithTheParameterNamed() {
        assertThatThrownBy(() -> new LogFilter().ip("10.0.0.999")).hasMessageStartingWith("ip: ");
        assertThatThrownBy(() -> new LogFilter().port(70000)).hasMessageStartingWith("port: ");
        assertThatThrownBy(() -> LogFilter.micros("yesterday", "from")).hasMessageStartingWith("from: ");
        assertThatThrownBy(() -> LogFilter.micros("+999999999-12-31T23:59:59Z", "from")).hasMessageContaining("outside");
        assertThatThrownBy(() -> LogFilter.micros("1969-12-31T23:59:59Z", "to")).hasMessageContaining("outside");
        assertThat(LogFilter.micros("2262-04-11T23:47:16Z", "to")).isEqualTo(9_223_372_036_000_000L);
        assertThatThrownBy(() -> LogFilter.limit(0)).hasMessageStartingWith("limit: ");
        assertThatThrownBy(() -> LogFilter.offset(-1)).hasMessageStartingWith("offset: ");
        assertThat(LogFilter.limit(null)).isEqualTo(LogFilter.DEFAULT_LIMIT);
    }
}
