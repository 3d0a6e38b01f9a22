package io.flowscope.api;

import java.nio.ByteBuffer;
import org.pf4j.ExtensionPoint;

/**
 * Extension point of an L7 protocol. Annotate the implementation with {@code @org.pf4j.Extension}.
 *
 * <p>One instance serves every connection of every pipeline (each live source and each import runs on a thread of
 * its own): it must be thread-safe. Per-connection state lives in the {@link ProtocolParser} it creates. State
 * that spans connections (Kafka's topic names, learned from Metadata on one connection and used by Fetch on
 * another) may live in the factory when it is bounded, its evictions reported, and every access to it safe
 * from several threads at once.
 */
public interface ProtocolParserFactory extends ExtensionPoint {

    /** What this factory parses. Called once when the plugin is loaded. */
    ProtocolDescriptor descriptor();

    /**
     * Decides whether a new connection speaks this protocol, from its first bytes (for UDP: its first
     * datagram). Only protocols of the connection's transport are asked, in order of
     * {@link ProtocolDescriptor#priority()}; the first MATCH wins, so answer MATCH only on bytes that
     * really are this protocol.
     *
     * @param firstBytes the first bytes seen in {@code direction} (read-only; position to limit)
     * @param direction  the direction those bytes travel
     * @param connection the connection (ports are a hint only)
     * @return MATCH, NO_MATCH, or NEED_MORE_DATA to be asked again with more bytes
     */
    Detection detect(ByteBuffer firstBytes, Direction direction, ConnectionInfo connection);

    /** A parser for one connection that this factory matched. */
    ProtocolParser newParser(ParserContext context);
}
