package io.flowscope.platform.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * What importing one capture file (or all of them, as a total) gave. The JSON form is documented in
 * docs/import.md: {@code {"file", "packets", "bytes", "flows": {"tcp","udp","other"},
 * "requests": {"<protocol id>": n}, "errors": {"<kind>": n}}}, plus {@code "fault"} when reading stopped early.
 *
 * @param file     the file's path as given (null for a total)
 * @param packets  frames read
 * @param bytes    bytes of those frames on the wire
 * @param flows    flows by transport: tcp, udp, other
 * @param requests requests (request and session rows) per protocol id
 * @param errors   problems by kind: malformed packets, file faults, plugin failures
 * @param fault    why reading the file stopped early (with file and byte offset), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileSummary(String file, long packets, long bytes, Map<String, Long> flows, Map<String, Long> requests,
                          Map<String, Long> errors, String fault) {

    /** An empty total to add file summaries to. */
    public static FileSummary emptyTotal() {
        return new FileSummary(null, 0, 0, flowMap(0, 0, 0), new TreeMap<>(), new TreeMap<>(), null);
    }

    /** A file that could not be opened at all. */
    public static FileSummary unreadable(String file) {
        return new FileSummary(file, 0, 0, flowMap(0, 0, 0), new TreeMap<>(), new TreeMap<>(Map.of("unreadable_file", 1L)),
                file + ": no such file, or not a regular file");
    }

    /** Flows by transport, always in the order tcp, udp, other (stable JSON). */
    static Map<String, Long> flowMap(long tcp, long udp, long other) {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("tcp", tcp);
        m.put("udp", udp);
        m.put("other", other);
        return m;
    }

    /** Total flows of all transports. */
    public long totalFlows() {
        return flows.values().stream().mapToLong(Long::longValue).sum();
    }

    /** This total plus one more file. */
    public FileSummary plus(FileSummary f) {
        Map<String, Long> fl = flowMap(flows.get("tcp") + f.flows.get("tcp"), flows.get("udp") + f.flows.get("udp"),
                flows.get("other") + f.flows.get("other"));
        TreeMap<String, Long> rq = new TreeMap<>(requests);
        f.requests.forEach((k, v) -> rq.merge(k, v, Long::sum));
        TreeMap<String, Long> er = new TreeMap<>(errors);
        f.errors.forEach((k, v) -> er.merge(k, v, Long::sum));
        return new FileSummary(null, packets + f.packets, bytes + f.bytes, fl, rq, er, null);
    }
}
