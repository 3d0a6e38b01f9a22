package io.flowscope.api;

import java.net.InetAddress;

/**
 * The connection a parser works on, as far as the host knows it.
 *
 * @param transport  TCP or UDP
 * @param client     address of the client (side 0)
 * @param clientPort port of the client
 * @param server     address of the server (side 1)
 * @param serverPort port of the server
 */
public record FlowInfo(Transport transport, InetAddress client, int clientPort, InetAddress server, int serverPort) {
}
