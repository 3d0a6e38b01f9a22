package io.flowscope.platform.ebpf;

/** libbpf or the kernel refused: the message says what and why, in their words. */
public final class BpfException extends RuntimeException {

    public BpfException(String message) {
        super(message);
    }
}
