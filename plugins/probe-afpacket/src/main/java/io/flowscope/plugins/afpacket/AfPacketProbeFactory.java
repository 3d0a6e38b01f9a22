package io.flowscope.plugins.afpacket;

import io.flowscope.api.Probe;
import io.flowscope.api.ProbeDescriptor;
import io.flowscope.api.ProbeFactory;
import io.flowscope.api.ProbeKind;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The cBPF side of Flowscope, DeepFlow's Dispatcher: packets from AF_PACKET rings filtered in the kernel by
 * classic BPF. It needs no eBPF, so it runs wherever AF_PACKET does.
 */
@Extension
public final class AfPacketProbeFactory implements ProbeFactory {

    private static final ProbeDescriptor DESCRIPTOR = ProbeDescriptor.builder("afpacket", ProbeKind.PACKET)
            .version("1.0").kernelRequirements(Set.of("af_packet")).build();

    @Override
    public ProbeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Probe newProbe() {
        return new AfPacketProbe();
    }
}
