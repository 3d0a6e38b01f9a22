package com.example.kvline;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** One kvline connection: a bounded line buffer per direction; a line too long is skipped up to its end. */
final class KvLineParser implements ProtocolParser {

    static final int MAX_LINE = 1024;

    private final ParserContext context;
    private final Line[] lines = {new Line(), new Line()};

    KvLineParser(ParserContext context) {
        this.context = context;
    }

    /** The bytes of the current line of one direction. */
    private static final class Line {
        final byte[] buf = new byte[MAX_LINE];
        int len;
        boolean overflow;
        long start;
    }

    @Override
    public void onData(Direction direction, ByteBuffer data, long ts) {
        Line line = lines[direction.ordinal()];
        for (int i = data.position(); i < data.limit(); i++) {
            byte b = data.get(i);
            if (line.len == 0 && !line.overflow) {
                line.start = ts;
            }
            if (b == '\n') {
                if (!line.overflow) {
                    emit(direction, new String(line.buf, 0, line.len, StandardCharsets.UTF_8), line.start, ts, line.len + 1);
                }
                line.len = 0;
                line.overflow = false;
            } else if (line.len == MAX_LINE) {
                line.overflow = true;
            } else if (!line.overflow) {
                line.buf[line.len++] = b;
            }
        }
    }

    private void emit(Direction d, String text, long start, long end, long bytes) {
        if (d == Direction.CLIENT_TO_SERVER) {
            String[] parts = text.split(" ", 3);
            context.sink().emit(L7Message.request(KvLineParserFactory.ID).operation(parts[0].toUpperCase())
                    .resource(parts.length > 1 ? parts[1] : null).time(start, end).bytes(bytes).build());
        } else {
            boolean error = text.startsWith("error");
            context.sink().emit(L7Message.response(KvLineParserFactory.ID)
                    .status(error ? ResponseStatus.CLIENT_ERROR : ResponseStatus.OK)
                    .exception(error ? text.substring(Math.min(6, text.length())) : null)
                    .time(start, end).bytes(bytes).build());
        }
    }

    @Override
    public void onGap(Direction direction, long lostBytes) {
        // the current line is broken: skip to the next newline
        Line line = lines[direction.ordinal()];
        line.len = 0;
        line.overflow = true;
    }

    @Override
    public void onClose() {
        // an unterminated last line is not a message
    }

    @Override
    public long retainedBytes() {
        return 2L * MAX_LINE;
    }
}
