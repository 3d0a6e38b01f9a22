package io.flowscope.platform.cli;

import io.flowscope.platform.ingest.FileSummary;
import java.util.Map;
import java.util.StringJoiner;

/** The human form of an import summary. */
final class SummaryText {

    private SummaryText() {
    }

    static String format(String title, FileSummary s) {
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n');
        sb.append(String.format("  packets   %,d (%s)%n", s.packets(), bytes(s.bytes())));
        sb.append(String.format("  flows     %,d (tcp %,d, udp %,d, other %,d)%n", s.totalFlows(),
                s.flows().get("tcp"), s.flows().get("udp"), s.flows().get("other")));
        sb.append("  requests  ").append(s.requests().isEmpty() ? "none" : join(s.requests())).append('\n');
        sb.append("  errors    ").append(s.errors().isEmpty() ? "none" : join(s.errors()));
        return sb.toString();
    }

    private static String join(Map<String, Long> m) {
        StringJoiner j = new StringJoiner(", ");
        m.forEach((k, v) -> j.add(k + " " + String.format("%,d", v)));
        return j.toString();
    }

    private static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
