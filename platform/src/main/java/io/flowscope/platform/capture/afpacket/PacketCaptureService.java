package io.flowscope.platform.capture.afpacket;

import io.flowscope.api.PacketCapture;
import io.flowscope.api.PacketCaptureRequest;
import io.flowscope.platform.os.Capabilities;
import io.flowscope.platform.pipeline.Pipelines;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;

/**
 * The host's packet capture as probes ask for it ({@code ProbeContext.capturePackets}): a request becomes
 * {@link InterfaceCaptures} on the host's pipelines, with the ring shape it asks for (host defaults for what
 * it leaves open), its filter checked first, and — unless it says otherwise — the server's own API and
 * console traffic left out in the kernel, so watching loopback does not watch itself being watched.
 */
public final class PacketCaptureService {

    private final Pipelines pipelines;
    private final MeterRegistry registry;
    private volatile String ownTraffic;

    /** @param registry where interface counters are published; may be null */
    public PacketCaptureService(Pipelines pipelines, MeterRegistry registry) {
        this.pipelines = pipelines;
        this.registry = registry;
    }

    /**
     * Says where the server listens, so its traffic can be left out.
     *
     * @param address the listening address; null, empty or a wildcard address for every address
     */
    public void serverListensOn(String address, int port) {
        boolean wildcard = address == null || address.isBlank() || address.equals("0.0.0.0") || address.equals("::");
        ownTraffic = wildcard ? "tcp port " + port : "host " + address + " and tcp port " + port;
    }

    /** The filter that leaves out the server's traffic, or null before {@link #serverListensOn} was told. */
    public String ownTrafficFilter() {
        return ownTraffic;
    }

    /**
     * Starts capturing what {@code request} asks for.
     *
     * @throws IllegalArgumentException when the filter is not valid (libpcap's message) or the ring shape is impossible
     * @throws IllegalStateException    when this process may not capture packets
     */
    public PacketCapture open(String probeId, PacketCaptureRequest request) {
        String missing = missingPrivilege();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        RingSettings d = RingSettings.defaults();
        RingSettings ring = new RingSettings(or(request.blockSize(), d.blockSize()), or(request.blockCount(), d.blockCount()),
                or(request.blockTimeoutMillis(), d.blockTimeoutMs()), or(request.snapLength(), d.snapLength()),
                request.promiscuous(), 0);
        String filter = filter(request);
        return new InterfaceCaptures(pipelines, request.interfaces(), ring, filter, request.readers(),
                new CaptureMeters(registry, probeId));
    }

    /** The request's filter, checked on its own (so an error names what the user wrote), and the exclusion. */
    private String filter(PacketCaptureRequest request) {
        String user = request.filter();
        try {
            if (!user.isEmpty()) {
                BpfProgram.compile(user, AfPacketRing.LINKTYPE_ETHERNET, 65_535);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        String own = request.excludeOwnTraffic() ? ownTraffic : null;
        if (own == null) {
            return user;
        }
        return user.isEmpty() ? "not (" + own + ")" : "(" + user + ") and not (" + own + ")";
    }

    private static int or(int value, int hostDefault) {
        return value == PacketCaptureRequest.HOST_DEFAULT ? hostDefault : value;
    }

    /** Why this process cannot open AF_PACKET sockets, or null when it can (CAP_NET_RAW in its effective set). */
    static String missingPrivilege() {
        return Capabilities.has(Capabilities.CAP_NET_RAW) ? null
                : "no privilege: capturing packets needs root or CAP_NET_RAW, which this process does not have"
                        + " (run Flowscope as root, or grant it: setcap cap_net_raw,cap_net_admin+ep on its java)";
    }
}
