package io.flowscope.platform.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The API has no authentication yet (tokens come with the console), so the server listens on loopback
 * only unless {@code flowscope.insecure-no-auth=true} ({@code flowscope run --insecure-no-auth}) says
 * otherwise; then it warns loudly. Checked at start for every way of starting the server.
 */
@Component
public class NetworkExposure {

    private static final Logger log = LoggerFactory.getLogger(NetworkExposure.class);

    NetworkExposure(@Value("${server.address:}") String address,
            @Value("${flowscope.insecure-no-auth:false}") boolean insecure) {
        String problem = problem(address);
        if (problem == null) {
            log.info("serving on {} (loopback only; the API has no authentication)", address);
        } else if (insecure) {
            log.warn("SERVING THE SQL AND IMPORT API WITHOUT AUTHENTICATION to everyone who can reach {}: {}",
                    address.isBlank() ? "any address of this machine" : address, problem);
        } else {
            throw new IllegalStateException(refusal(address, problem));
        }
    }

    /** Why listening on {@code address} exposes the API beyond this machine, or null when it does not. */
    public static String problem(String address) {
        if (address == null || address.isBlank()) {
            return "no address set, so all of the machine's addresses";
        }
        try {
            InetAddress a = InetAddress.getByName(address);
            return a.isLoopbackAddress() ? null : address + " is not a loopback address";
        } catch (UnknownHostException e) {
            return address + " is not an address of this machine";
        }
    }

    /** The message that refuses to start. */
    public static String refusal(String address, String problem) {
        return "refusing to listen on " + (address == null || address.isBlank() ? "all addresses" : address)
                + " (" + problem + "): the API has no authentication yet, so anyone who reaches it can run SQL "
                + "and import data. Listen on 127.0.0.1 and put an authenticating proxy in front "
                + "(docs/security.md), or pass --insecure-no-auth (flowscope.insecure-no-auth=true) to do it anyway";
    }
}
