package io.flowscope.platform.testing;

import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.FIN;
import static io.flowscope.platform.testing.Frames.PSH;
import static io.flowscope.platform.testing.Frames.SYN;
import static io.flowscope.platform.testing.Frames.ascii;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.tcp4;

import java.util.ArrayList;
import java.util.List;

/** Ethernet frames of one whole TCP connection: handshake, alternating payloads, FIN both ways. */
public final class TcpConversation {

    private final byte[] client;
    private final int clientPort;
    private final byte[] server;
    private final int serverPort;
    private final List<byte[]> frames = new ArrayList<>();
    private int cseq = 1000;
    private int sseq = 5000;

    public TcpConversation(String client, int clientPort, String server, int serverPort) {
        this.client = Frames.v4(client);
        this.clientPort = clientPort;
        this.server = Frames.v4(server);
        this.serverPort = serverPort;
        frames.add(c(SYN, ""));
        cseq++;
        frames.add(s(SYN | ACK, ""));
        sseq++;
        frames.add(c(ACK, ""));
    }

    /** Client sends, server acknowledges. */
    public TcpConversation request(String data) {
        frames.add(c(PSH | ACK, data));
        cseq += data.length();
        frames.add(s(ACK, ""));
        return this;
    }

    /** Server sends, client acknowledges. */
    public TcpConversation response(String data) {
        frames.add(s(PSH | ACK, data));
        sseq += data.length();
        frames.add(c(ACK, ""));
        return this;
    }

    /** FIN from both sides and the last ACK. */
    public List<byte[]> close() {
        frames.add(c(FIN | ACK, ""));
        cseq++;
        frames.add(s(FIN | ACK, ""));
        sseq++;
        frames.add(c(ACK, ""));
        return frames;
    }

    /** An HTTP/1.1 GET and its 200 response, closed. */
    public static List<byte[]> httpGet(int clientPort, String path) {
        String body = "hello";
        return new TcpConversation("10.0.0.1", clientPort, "10.0.0.2", 80)
                .request("GET " + path + " HTTP/1.1\r\nHost: example\r\n\r\n")
                .response("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .close();
    }

    private byte[] c(int flags, String data) {
        return ethernet(tcp4(client, clientPort, server, serverPort, cseq, sseq, flags, 65000, ascii(data)));
    }

    private byte[] s(int flags, String data) {
        return ethernet(tcp4(server, serverPort, client, clientPort, sseq, cseq, flags, 65000, ascii(data)));
    }
}
