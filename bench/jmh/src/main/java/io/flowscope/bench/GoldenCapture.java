package io.flowscope.bench;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A golden capture of the platform's tests ({@code platform/src/test/resources/captures/<name>.pcap} and its
 * {@code .port}) held in memory: every TCP payload in capture order with its connection (by client port) and
 * direction, replayed into new parsers of one factory as the host would (a parser per connection). Classic pcap,
 * Ethernet (tcpdump on loopback), IPv4.
 */
final class GoldenCapture {

    private record Chunk(int connection, Direction direction, ByteBuffer bytes) {
    }

    final String name;
    final long bytes;
    final int connections;
    private final List<Chunk> chunks;
    private final ConnectionInfo connection;
    private final ProtocolParser[] parsers;

    private GoldenCapture(String name, List<Chunk> chunks, int connections, long bytes, int serverPort) throws IOException {
        this.name = name;
        this.chunks = chunks;
        this.connections = connections;
        this.bytes = bytes;
        this.parsers = new ProtocolParser[connections];
        this.connection = ConnectionInfo.builder(Transport.TCP).client(InetAddress.getByName("127.0.0.1"), 40000)
                .server(InetAddress.getByName("127.0.0.1"), serverPort).build();
    }

    /** The capture {@code name} of the source tree (run from bench/jmh or the repository's root). */
    static GoldenCapture load(String name) throws IOException {
        Path dir = Path.of("platform/src/test/resources/captures");
        if (!Files.exists(dir)) {
            dir = Path.of("../..").resolve(dir);
        }
        int serverPort = Integer.parseInt(Files.readString(dir.resolve(name + ".port")).trim());
        byte[] pcap = Files.readAllBytes(dir.resolve(name + ".pcap"));
        ByteBuffer b = ByteBuffer.wrap(pcap);
        int magic = b.getInt(0);
        b.order(magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        Map<Integer, Integer> byClientPort = new LinkedHashMap<>();
        List<Chunk> chunks = new ArrayList<>();
        long total = 0;
        int p = 24;
        while (p + 16 <= pcap.length) {
            int captured = b.getInt(p + 8);
            int frame = p + 16;
            p = frame + captured;
            int ip = frame + 14;
            if ((pcap[frame + 12] & 0xff) != 0x08 || pcap[frame + 13] != 0x00 || pcap[ip + 9] != 6) {
                continue;
            }
            int ihl = (pcap[ip] & 0x0f) * 4;
            int ipLength = ((pcap[ip + 2] & 0xff) << 8) | (pcap[ip + 3] & 0xff);
            int tcp = ip + ihl;
            int src = ((pcap[tcp] & 0xff) << 8) | (pcap[tcp + 1] & 0xff);
            int dst = ((pcap[tcp + 2] & 0xff) << 8) | (pcap[tcp + 3] & 0xff);
            int payload = tcp + ((pcap[tcp + 12] & 0xf0) >> 4) * 4;
            int length = ip + ipLength - payload;
            if (length <= 0) {
                continue;
            }
            boolean toServer = dst == serverPort;
            int id = byClientPort.computeIfAbsent(toServer ? src : dst, k -> byClientPort.size());
            chunks.add(new Chunk(id, toServer ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT,
                    ByteBuffer.wrap(pcap, payload, length).slice().asReadOnlyBuffer()));
            total += length;
        }
        return new GoldenCapture(name, chunks, byClientPort.size(), total, serverPort);
    }

    /** A context whose sink is {@code sink}; obfuscation on, as the host's default. */
    ParserContext context(MessageSink sink) {
        return new ParserContext() {
            @Override
            public MessageSink sink() {
                return sink;
            }

            @Override
            public ConnectionInfo connection() {
                return connection;
            }
        };
    }

    /** Every payload into new parsers of {@code factory}, one per connection, then every parser closed. */
    void replay(ProtocolParserFactory factory, ParserContext context) {
        for (int i = 0; i < connections; i++) {
            parsers[i] = factory.newParser(context);
        }
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            parsers[c.connection()].onData(c.direction(), c.bytes().duplicate(), i);
        }
        for (ProtocolParser parser : parsers) {
            parser.onClose();
        }
    }

    /** Reads every payload byte once: the least a parser does. */
    long readEveryByte() {
        long sum = 0;
        for (Chunk c : chunks) {
            ByteBuffer b = c.bytes();
            for (int i = b.position(); i < b.limit(); i++) {
                sum += b.get(i);
            }
        }
        return sum;
    }
}
