package io.flowscope.platform.capture;

import java.nio.file.Path;

/** A capture file is not what it claims to be, at a known byte offset. Everything before it was delivered. */
public final class CaptureFormatException extends Exception {

    private final transient Path file;
    private final long offset;
    private final String kind;
    private final String detail;

    /**
     * @param file   the file
     * @param offset byte offset of the fault
     * @param kind   short stable name (used as an error key in summaries), e.g. {@code truncated_record}
     * @param detail what was wrong, for people
     */
    public CaptureFormatException(Path file, long offset, String kind, String detail) {
        super(file + ": " + detail + " at byte offset " + offset);
        this.file = file;
        this.offset = offset;
        this.kind = kind;
        this.detail = detail;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** Byte offset of the fault. */
    public long offset() {
        return offset;
    }

    /** What was wrong and where, without the file name: {@code "<detail> at byte offset <n>"}. */
    public String where() {
        return detail + " at byte offset " + offset;
    }

    /** Stable name of the fault. */
    public String kind() {
        return kind;
    }
}
