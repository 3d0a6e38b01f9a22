package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.DnsTraffic;
import io.flowscope.platform.testing.Dnsmasq;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.StoreState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dig's queries to dnsmasq (the cases of {@link DnsTraffic}, over UDP and over TCP) seen from their syscalls only:
 * each query is one l7_flow_log row with signal_source 3 and the same name, type, rcode and answers as the packet
 * capture gives, dig's pid and name on the client side and dnsmasq's on the server side, over UDP and TCP (dnsmasq
 * accepts a TCP connection and forks a child to serve it: the first row may carry the parent's pid, the rest the
 * child's, as the connection's process is updated when another one is seen at its end). The name is the process's,
 * from the process table, not the thread's that made the call (dig's network thread is {@code isc-net-0000}).
 */
@Privileged(programs = {"dnsmasq", "dig"})
class SocketTraceDnsmasqTest {

    @TempDir
    Path dir;

    @Test
    void everyDigQueryIsOneRowFromSyscalls() throws Exception {
        List<Long> digPids = new ArrayList<>();
        try (Dnsmasq dns = Dnsmasq.start(dir.resolve("dnsmasq"));
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            try (SocketTraceCollector c = SocketTraceCollector.start(new Pipelines(plugins, store, null),
                    SocketTraceObjects.bytes(), new SocketTraceCollector.Settings(1024, List.of(), List.of(), List.of(),
                            List.of(dns.port()), false))) {
                assertThat(c.attachments()).allMatch(BpfObject.Attachment::attached);
                for (boolean tcp : new boolean[] {false, true}) {
                    Process dig = new ProcessBuilder(DnsTraffic.command(dns.port(), tcp))
                            .redirectOutput(dir.resolve("dig-" + tcp + ".out").toFile()).redirectErrorStream(true).start();
                    assertThat(dig.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                    assertThat(dig.exitValue()).isZero();
                    digPids.add(dig.pid());
                }
                long end = System.nanoTime() + 5_000_000_000L;
                while (System.nanoTime() < end && count(store) < 2 * DnsTraffic.CASES.size()) {
                    Thread.sleep(100);
                }
                Thread.sleep(500); // anything more that would come (it must not)
                assertThat(c.lostEvents()).isZero();
                assertThat(c.failure()).isNull();
            }
            List<String> expected = new ArrayList<>();
            for (String protocol : List.of("dns", "dns-tcp")) {
                boolean tcp = protocol.equals("dns-tcp");
                long digPid = digPids.get(tcp ? 1 : 0);
                for (DnsTraffic.Case k : DnsTraffic.CASES) {
                    int status = k.rcode() == 0 ? 0 : k.rcode() == 3 ? 4 : 3;
                    expected.add("3|120|" + protocol + "|2|" + k.type() + "|" + k.name() + "|" + k.rcode() + "|" + status
                            + "|" + k.result() + "|" + digPid + "|true|dnsmasq|"
                            + dns.port() + "|true");
                }
            }
            List<String> rows = StoreState.rows(store, "SELECT signal_source, l7_protocol, l7_protocol_str, type,"
                    + " request_type, request_resource, response_code, response_status, response_result, process_id_0,"
                    + " process_id_1 IS NOT NULL, process_kname_1, server_port, request_id IS NOT NULL FROM flow_log.l7_flow_log"
                    + " ORDER BY start_time");
            assertThat(rows).containsExactlyElementsOf(expected);
            // dig's name, not its network thread's
            assertThat(StoreState.rows(store, "SELECT DISTINCT process_kname_0 FROM flow_log.l7_flow_log")).containsExactly("dig");
        }
    }

    private static long count(DuckDbStore store) throws Exception {
        return Long.parseLong(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log").get(0));
    }
}
