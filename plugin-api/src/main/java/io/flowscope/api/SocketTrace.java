package io.flowscope.api;

import java.util.List;

/**
 * Sockets the host traces for a probe ({@link ProbeContext#traceSockets}). The host closes what a probe left
 * open when the probe stops.
 */
public interface SocketTrace extends AutoCloseable {

    /** Every program of the object: attached, or why not (the kernel's words). */
    List<BpfHook> hooks();

    /** Events read from the kernel so far. */
    long events();

    /** Events the kernel could not hand over (the transport was full), counted by the programs. */
    long lostEvents();

    /** Detaches every program, unloads the object and finishes what was being parsed. Safe to call again. */
    @Override
    void close();
}
