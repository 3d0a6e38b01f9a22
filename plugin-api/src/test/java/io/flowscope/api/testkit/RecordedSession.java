package io.flowscope.api.testkit;

import io.flowscope.api.Direction;
import io.flowscope.api.ProtocolSwitch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded conversation of one connection: byte segments per direction, in the order they were seen,
 * and the messages a correct parser emits for it, as {@link MessageSignature signatures}.
 *
 * <p>Sessions are written in code with {@link #named(String)} or kept as text files read by {@link #load(Path)}:
 * <pre>
 * # a comment
 * &gt; GET / HTTP/1.1\r\n          bytes from client to server; escapes \r \n \t \\ \xHH
 * &gt; Host: a\r\n\r\n               consecutive lines of one direction form one segment
 * &lt; HTTP/1.1 204 No Content\r\n\r\n
 * ---                              ends the current segment (two segments in a row, same direction)
 * = REQUEST GET / UNKNOWN bytes=27 version=1.1 t=+0..+0    an expected message (every field, see
 *                                  {@link MessageSignature}), in emission order
 * = SWITCH http2 request=GET /a client=24:1a2b3c4d server=27:…   a protocol switch the parser asks for, with the
 *                                  length and CRC-32 of each direction's bytes from the switch on (see the kit)
 * </pre>
 * A session written in code can start after a switch ({@link Builder#switchedFrom}): its parser is told so by
 * {@code ParserContext.switchedFrom()}.
 */
public final class RecordedSession {

    /** One chunk of bytes travelling one way. */
    public record Segment(Direction direction, byte[] bytes) {
    }

    private final String name;
    private final List<Segment> segments;
    private final List<String> expected;
    private final Path source;
    private final ProtocolSwitch switchedFrom;

    private RecordedSession(String name, List<Segment> segments, List<String> expected, Path source,
                            ProtocolSwitch switchedFrom) {
        this.name = name;
        this.segments = List.copyOf(segments);
        this.expected = List.copyOf(expected);
        this.source = source;
        this.switchedFrom = switchedFrom;
    }

    /** The switch that handed this session's connection to the parser, or null when it was detected. */
    public ProtocolSwitch switchedFrom() {
        return switchedFrom;
    }

    /** The file the session was read from, or null for a session written in code. */
    public Path source() {
        return source;
    }

    /** Rewrites the expected messages ({@code = …} lines) of the file this session was read from. */
    void rewriteExpected(List<String> signatures) {
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
                if (!line.startsWith("= ")) {
                    kept.add(line);
                }
            }
            while (!kept.isEmpty() && kept.get(kept.size() - 1).isBlank()) {
                kept.remove(kept.size() - 1);
            }
            for (String sig : signatures) {
                kept.add("= " + sig);
            }
            Files.write(source, kept, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The session's name, shown in test reports. */
    public String name() {
        return name;
    }

    /** The segments in capture order. */
    public List<Segment> segments() {
        return segments;
    }

    /** Expected message signatures in emission order. */
    public List<String> expected() {
        return expected;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Starts a session written in code. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** Reads a session from a text file in the format above; the name is the file name. */
    public static RecordedSession load(Path file) {
        Builder b = named(file.getFileName().toString());
        b.source = file;
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Direction current = null;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (String line : lines) {
            Direction dir = line.startsWith("> ") ? Direction.CLIENT_TO_SERVER
                    : line.startsWith("< ") ? Direction.SERVER_TO_CLIENT : null;
            if (dir != null) {
                if (current != null && dir != current) {
                    b.segment(current, pending.toByteArray());
                    pending.reset();
                }
                current = dir;
                byte[] bytes = unescape(line.substring(2));
                pending.write(bytes, 0, bytes.length);
                continue;
            }
            if (current != null) {
                b.segment(current, pending.toByteArray());
                pending.reset();
                current = null;
            }
            if (line.startsWith("= ")) {
                b.expect(line.substring(2).trim());
            }
        }
        if (current != null) {
            b.segment(current, pending.toByteArray());
        }
        return b.build();
    }

    static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " in: " + s);
            }
        }
        return out.toByteArray();
    }

    /** Builds a session in code. */
    public static final class Builder {
        private final String name;
        private final List<Segment> segments = new ArrayList<>();
        private final List<String> expected = new ArrayList<>();
        private Path source;
        private ProtocolSwitch switchedFrom;

        private Builder(String name) {
            this.name = name;
        }

        /** Adds bytes from client to server (UTF-8 text). */
        public Builder client(String text) {
            return segment(Direction.CLIENT_TO_SERVER, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Adds bytes from server to client (UTF-8 text). */
        public Builder server(String text) {
            return segment(Direction.SERVER_TO_CLIENT, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Adds a segment. */
        public Builder segment(Direction direction, byte[] bytes) {
            segments.add(new Segment(direction, bytes.clone()));
            return this;
        }

        /** Adds an expected message signature (see {@link MessageSignature}). */
        public Builder expect(String signature) {
            expected.add(signature);
            return this;
        }

        /**
         * The connection came to the parser through this switch (the parser's {@code switchedFrom()}): the segments
         * are what follows the switch point. The kit does not ask the factory to detect such a session.
         */
        public Builder switchedFrom(ProtocolSwitch from) {
            this.switchedFrom = from;
            return this;
        }

        /** The session. */
        public RecordedSession build() {
            return new RecordedSession(name, segments, expected, source, switchedFrom);
        }
    }
}
