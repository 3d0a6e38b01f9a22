package io.flowscope.platform.store;

import java.util.List;

/**
 * DDL of the flow_log tables, DeepFlow's names and units (docs/data-model.md documents every column).
 * Column order here is the order the writers append in.
 */
final class Schema {

    private Schema() {
    }

    /**
     * Longest text value stored (in UTF-16 chars, at most 3 UTF-8 bytes each): longer values are cut when
     * written. The SQL endpoint bounds the size of what a query can compute from stored values with it.
     */
    static final int MAX_TEXT_CHARS = 4096;

    static final String L4 = """
            CREATE TABLE IF NOT EXISTS flow_log.l4_flow_log (
              time TIMESTAMP NOT NULL,
              start_time TIMESTAMP NOT NULL,
              end_time TIMESTAMP NOT NULL,
              duration UBIGINT,
              flow_id UBIGINT NOT NULL,
              signal_source USMALLINT,
              capture_nic UINTEGER,
              mac_0 UBIGINT,
              mac_1 UBIGINT,
              eth_type USMALLINT,
              vlan USMALLINT,
              is_ipv4 UTINYINT,
              ip4_0 UINTEGER,
              ip4_1 UINTEGER,
              ip6_0 VARCHAR,
              ip6_1 VARCHAR,
              protocol UTINYINT,
              client_port USMALLINT,
              server_port USMALLINT,
              tcp_flags_bit_0 USMALLINT,
              tcp_flags_bit_1 USMALLINT,
              syn_count UINTEGER,
              synack_count UINTEGER,
              fin_count UINTEGER,
              packet_tx UBIGINT,
              packet_rx UBIGINT,
              byte_tx UBIGINT,
              byte_rx UBIGINT,
              l3_byte_tx UBIGINT,
              l3_byte_rx UBIGINT,
              l4_byte_tx UBIGINT,
              l4_byte_rx UBIGINT,
              rtt DOUBLE,
              rtt_client DOUBLE,
              rtt_server DOUBLE,
              srt_sum DOUBLE,
              srt_count UBIGINT,
              srt_max UINTEGER,
              retrans_tx UINTEGER,
              retrans_rx UINTEGER,
              zero_win_tx UINTEGER,
              zero_win_rx UINTEGER,
              ooo_tx UINTEGER,
              ooo_rx UINTEGER,
              close_type USMALLINT,
              status UTINYINT,
              is_new_flow UTINYINT,
              direction_score UTINYINT,
              l7_protocol UTINYINT,
              request_domain VARCHAR,
              l7_request UINTEGER,
              l7_response UINTEGER,
              l7_parse_failed UINTEGER,
              l7_client_error UINTEGER,
              l7_server_error UINTEGER,
              l7_server_timeout UINTEGER,
              l7_error UINTEGER
            )""";

    static final String L7 = """
            CREATE TABLE IF NOT EXISTS flow_log.l7_flow_log (
              _id UBIGINT NOT NULL,
              time TIMESTAMP NOT NULL,
              start_time TIMESTAMP NOT NULL,
              end_time TIMESTAMP NOT NULL,
              flow_id UBIGINT NOT NULL,
              signal_source USMALLINT,
              capture_nic UINTEGER,
              is_ipv4 UTINYINT,
              ip4_0 UINTEGER,
              ip4_1 UINTEGER,
              ip6_0 VARCHAR,
              ip6_1 VARCHAR,
              protocol UTINYINT,
              client_port USMALLINT,
              server_port USMALLINT,
              l7_protocol UTINYINT,
              l7_protocol_str VARCHAR,
              version VARCHAR,
              type UTINYINT,
              request_type VARCHAR,
              request_domain VARCHAR,
              request_resource VARCHAR,
              endpoint VARCHAR,
              request_id UBIGINT,
              response_status UTINYINT,
              response_code INTEGER,
              response_exception VARCHAR,
              response_duration UBIGINT,
              request_length BIGINT,
              response_length BIGINT,
              trace_id VARCHAR,
              span_id VARCHAR,
              attributes VARCHAR
            )""";

    /** Statements run at every open; all idempotent. */
    static final List<String> DDL = List.of(
            "CREATE SCHEMA IF NOT EXISTS flow_log",
            L4,
            L7,
            // IPv4 columns are UINTEGER (fast to write and compare); this prints them dotted
            "CREATE MACRO IF NOT EXISTS ip4_str(x) AS CASE WHEN x IS NULL THEN NULL ELSE "
                    + "concat((x >> 24) & 255, '.', (x >> 16) & 255, '.', (x >> 8) & 255, '.', x & 255) END");
}
