package io.flowscope.platform.metrics.network;

/** Where network metric rows go (the store's writers). Called on the pipeline's thread. */
public interface NetworkSink {

    /** One {@code network_map} row (second or minute). */
    void networkMap(NetworkMapRow row);

    /** One single-end {@code network} row (second or minute). */
    void network(NetworkRow row);
}
