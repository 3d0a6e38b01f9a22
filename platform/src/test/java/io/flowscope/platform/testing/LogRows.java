package io.flowscope.platform.testing;

import io.flowscope.platform.store.DuckDbStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Log rows of known values, written with plain INSERTs: flows 1 (TCP 10.0.0.1:40000 → 10.0.0.2:80, 10:00:00 to
 * 10:00:01.5 on 2024-05-01 UTC), 2 (UDP 10.0.0.3:53000 → 10.0.0.2:53, 10:00:02 to 10:00:03) and 3 (TCP
 * 2001:db8::1:41000 → 2001:db8::2:443, 10:00:04.000001 to 10:00:05, a duration beyond a signed long); requests
 * 11 (flow 1, http1 GET 200 OK), 12 (flow 1, http1 GET 404 client error) and 13 (flow 3, kvline PUT 503 server
 * error). Other columns are null.
 */
public final class LogRows {

    private LogRows() {
    }

    public static void insert(DuckDbStore store) throws SQLException {
        try (Connection c = store.connection(); Statement st = c.createStatement()) {
            st.execute("""
                    INSERT INTO flow_log.l4_flow_log (time, start_time, end_time, duration, flow_id, is_ipv4, ip4_0, ip4_1,
                      ip6_0, ip6_1, protocol, client_port, server_port, packet_tx, packet_rx, byte_tx, byte_rx, rtt,
                      close_type, l7_protocol, request_domain, l7_request, l7_response, l7_client_error)
                    VALUES
                      ('2024-05-01 10:00:01', '2024-05-01 10:00:00', '2024-05-01 10:00:01.5', 1500000, 1, 1, 167772161,
                       167772162, NULL, NULL, 6, 40000, 80, 5, 4, 600, 1400, 120.5, 1, 20, 'example.com', 2, 2, 1),
                      ('2024-05-01 10:00:03', '2024-05-01 10:00:02', '2024-05-01 10:00:03', 1000000, 2, 1, 167772163,
                       167772162, NULL, NULL, 17, 53000, 53, 1, 1, 80, 120, NULL, 5, 0, NULL, 0, 0, 0),
                      ('2024-05-01 10:00:05', '2024-05-01 10:00:04.000001', '2024-05-01 10:00:05', 18446744073709551615,
                       3, 0, NULL, NULL, '2001:db8::1', '2001:db8::2', 6, 41000, 443, 3, 2, 300, 200, 80.0, 2, 0, NULL, 1,
                       1, 0)""");
            st.execute("""
                    INSERT INTO flow_log.l7_flow_log (_id, time, start_time, end_time, flow_id, is_ipv4, ip4_0, ip4_1,
                      ip6_0, ip6_1, protocol, client_port, server_port, l7_protocol, l7_protocol_str, version, type,
                      request_type, request_domain, request_resource, endpoint, response_status, response_code,
                      response_exception, response_duration, request_length, response_length, attributes)
                    VALUES
                      (11, '2024-05-01 10:00:00', '2024-05-01 10:00:00.1', '2024-05-01 10:00:00.2', 1, 1, 167772161,
                       167772162, NULL, NULL, 6, 40000, 80, 20, 'http1', '1.1', 2, 'GET', 'example.com', '/a', '/a', 0,
                       200, NULL, 100000, 90, 512, '{"user_agent":"curl"}'),
                      (12, '2024-05-01 10:00:01', '2024-05-01 10:00:01', '2024-05-01 10:00:01.3', 1, 1, 167772161,
                       167772162, NULL, NULL, 6, 40000, 80, 20, 'http1', '1.1', 2, 'GET', 'example.com', '/missing',
                       '/missing', 4, 404, 'Not Found', 300000, 95, 0, NULL),
                      (13, '2024-05-01 10:00:04', '2024-05-01 10:00:04.5', '2024-05-01 10:00:04.9', 3, 0, NULL, NULL,
                       '2001:db8::1', '2001:db8::2', 6, 41000, 443, 21, 'kvline', NULL, 2, 'PUT', NULL, 'k', NULL, 3,
                       503, 'boom', 400000, 7, 4, NULL)""");
        }
    }
}
