package io.flowscope.api;

import org.pf4j.ExtensionPoint;

/** Extension point of a probe type. Annotate the implementation with {@code @org.pf4j.Extension}. */
public interface ProbeFactory extends ExtensionPoint {

    /** What this probe is and what it needs. */
    ProbeDescriptor descriptor();

    /** A new, not yet started probe. */
    Probe newProbe();
}
