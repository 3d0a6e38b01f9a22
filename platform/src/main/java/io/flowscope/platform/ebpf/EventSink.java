package io.flowscope.platform.ebpf;

import java.nio.ByteBuffer;

/** Receives events as the transport holds them: {@code length} bytes at {@code offset}, valid during the call only. */
@FunctionalInterface
public interface EventSink {
    void event(ByteBuffer buffer, int offset, int length);
}
