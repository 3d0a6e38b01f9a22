package io.flowscope.platform.metrics;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of one pipeline run (one capture file, or a live capture's interval), kept as plain fields
 * on the pipeline's thread; {@link FlowscopeMetrics} adds them to the process-wide meters afterwards.
 */
public final class PipelineCounters {
    public long packets;
    public long bytes;
    public long tcpFlows;
    public long udpFlows;
    public long otherFlows;
    public long l7Messages;
    public long writeBatches;
    /** Most out-of-order TCP bytes held at once by all flows together (bounded by the reassembly budget). */
    public long reassemblyPeakBytes;
    /** Most bytes held at once by incomplete IP datagrams (bounded by the fragment budget). */
    public long fragmentPeakBytes;
    private final TreeMap<String, Long> requests = new TreeMap<>();
    private final TreeMap<String, Long> errors = new TreeMap<>();

    /** Counts one request (a request or a session row) of a protocol. */
    public void request(String protocol) {
        requests.merge(protocol, 1L, Long::sum);
    }

    /** Counts one error of a kind. */
    public void error(String kind) {
        errors.merge(kind, 1L, Long::sum);
    }

    /** Counts {@code n} errors of a kind. */
    public void error(String kind, long n) {
        if (n > 0) {
            errors.merge(kind, n, Long::sum);
        }
    }

    /** Requests per protocol id, sorted. */
    public Map<String, Long> requests() {
        return requests;
    }

    /** Errors per kind, sorted. */
    public Map<String, Long> errors() {
        return errors;
    }

    /** A copy of these counts. */
    public PipelineCounters copy() {
        PipelineCounters c = new PipelineCounters();
        c.packets = packets;
        c.bytes = bytes;
        c.tcpFlows = tcpFlows;
        c.udpFlows = udpFlows;
        c.otherFlows = otherFlows;
        c.l7Messages = l7Messages;
        c.writeBatches = writeBatches;
        c.reassemblyPeakBytes = reassemblyPeakBytes;
        c.fragmentPeakBytes = fragmentPeakBytes;
        c.requests.putAll(requests);
        c.errors.putAll(errors);
        return c;
    }

    /** Adds what {@code other} counted to these counts; the peak is the larger one. */
    public void add(PipelineCounters other) {
        packets += other.packets;
        bytes += other.bytes;
        tcpFlows += other.tcpFlows;
        udpFlows += other.udpFlows;
        otherFlows += other.otherFlows;
        l7Messages += other.l7Messages;
        writeBatches += other.writeBatches;
        reassemblyPeakBytes = Math.max(reassemblyPeakBytes, other.reassemblyPeakBytes);
        fragmentPeakBytes = Math.max(fragmentPeakBytes, other.fragmentPeakBytes);
        other.requests.forEach(this::request);
        other.errors.forEach(this::error);
    }

    /** What was counted since {@code earlier} (a copy taken before); the peak is taken as it is. */
    public PipelineCounters minus(PipelineCounters earlier) {
        PipelineCounters d = new PipelineCounters();
        d.packets = packets - earlier.packets;
        d.bytes = bytes - earlier.bytes;
        d.tcpFlows = tcpFlows - earlier.tcpFlows;
        d.udpFlows = udpFlows - earlier.udpFlows;
        d.otherFlows = otherFlows - earlier.otherFlows;
        d.l7Messages = l7Messages - earlier.l7Messages;
        d.writeBatches = writeBatches - earlier.writeBatches;
        d.reassemblyPeakBytes = reassemblyPeakBytes;
        d.fragmentPeakBytes = fragmentPeakBytes;
        requests.forEach((k, v) -> d.request(k, v - earlier.requests.getOrDefault(k, 0L)));
        errors.forEach((k, v) -> d.error(k, v - earlier.errors.getOrDefault(k, 0L)));
        return d;
    }

    private void request(String protocol, long n) {
        if (n > 0) {
            requests.merge(protocol, n, Long::sum);
        }
    }
}
