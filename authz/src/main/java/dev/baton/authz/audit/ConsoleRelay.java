package dev.baton.authz.audit;

import jakarta.servlet.http.HttpServletRequest;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Lets the web console, which calls the API over loopback on behalf of a person, name that person's address in the
 * audit trail. Only a loopback call carrying this process's random relay secret is believed; anyone else's claim of
 * an address is ignored.
 */
public final class ConsoleRelay {

    /** The header carrying the relay secret. */
    public static final String SECRET_HEADER = "X-Baton-Console-Relay";

    /** The header carrying the person's own address. */
    public static final String ADDRESS_HEADER = "X-Baton-Console-Client";

    private final String secret;

    public ConsoleRelay() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.secret = HexFormat.of().formatHex(random);
    }

    /** The secret the console sends along. */
    public String secret() {
        return secret;
    }

    /** The address a call comes from: the person's behind the console, else the connection's. */
    public String clientAddress(HttpServletRequest request) {
        String remote = request.getRemoteAddr();
        String sent = request.getHeader(SECRET_HEADER);
        String client = request.getHeader(ADDRESS_HEADER);
        if (sent == null || client == null || client.length() > 64 || !loopback(remote)
                || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                        secret.getBytes(StandardCharsets.UTF_8))) {
            return remote;
        }
        return client;
    }

    private static boolean loopback(String address) {
        // the connection's own address as the servlet container reports it: a literal, never a name to resolve
        return address != null && (address.startsWith("127.") || address.equals("::1")
                || address.equals("0:0:0:0:0:0:0:1"));
    }
}
