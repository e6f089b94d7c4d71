package dev.baton.tenancy.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The one rule for every call the server makes to an address a tenant chose (OpenID discovery and keys, the HTTP
 * task; webhooks later).
 *
 * <p>Only https, unless an operator allows http. The host is resolved and every address it resolves to is checked:
 * loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast and other special ranges are refused
 * unless an operator allows a range. The connection is made through a DNS resolver that applies the same check, so it
 * goes only to an address that passed (no window for DNS rebinding). Connect and read are bounded in time, the whole
 * exchange in time, and the response in size; redirects are not followed.
 */
public final class OutboundAddressPolicy implements AutoCloseable {

    /** What operators may change ({@code baton.outbound.*}). */
    public record Settings(boolean allowHttp, List<String> allowedRanges, Duration connectTimeout,
            Duration readTimeout, long maxResponseBytes) {}

    private final Settings settings;
    private final List<Cidr> allowed;
    private final CloseableHttpClient client;

    public OutboundAddressPolicy(Settings settings) {
        this(settings, 32, 4);
    }

    /** A policy whose client keeps at most {@code maxConnections} connections, {@code maxPerHost} to one host. */
    public OutboundAddressPolicy(Settings settings, int maxConnections, int maxPerHost) {
        this.settings = settings;
        this.allowed = settings.allowedRanges().stream().filter(r -> !r.isBlank()).map(Cidr::parse).toList();
        DnsResolver checkedResolver = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return checkedAddresses(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return checkedAddresses(host)[0].getCanonicalHostName();
            }
        };
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checkedResolver)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                                .setSocketTimeout(Timeout.of(settings.readTimeout()))
                                .build())
                        .setMaxConnTotal(maxConnections)
                        .setMaxConnPerRoute(maxPerHost)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(settings.connectTimeout()))
                        .setResponseTimeout(Timeout.of(settings.readTimeout()))
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAutomaticRetries()
                .build();
    }

    /**
     * The same rules with connections of its own, for callers whose calls must not wait for (or make wait) the
     * other users of this policy's connections; closed by its caller.
     */
    public OutboundAddressPolicy withPool(int maxConnections, int maxPerHost) {
        return new OutboundAddressPolicy(settings, maxConnections, maxPerHost);
    }

    /**
     * Checks {@code url} (scheme, host and the addresses it resolves to now, if it resolves) and returns it parsed.
     */
    public URI check(String url) {
        URI uri = parse(url);
        try {
            checkedAddresses(uri.getHost());
        } catch (UnknownHostException e) {
            // nothing to refuse yet: every connection resolves and checks again
        }
        return uri;
    }

    /**
     * Checks {@code url} without asking DNS: syntax, scheme, host, and the address itself when the host is one.
     * For checks made while a transaction is open (saving a definition), where a slow resolver must hold nothing.
     */
    public URI checkWithoutResolving(String url) {
        URI uri = parse(url);
        String host = uri.getHost().replaceAll("^\\[|]$", "");
        if (host.matches("[0-9.]+") || host.contains(":")) {
            try {
                // a literal address: getByName parses it and asks no resolver
                InetAddress address = InetAddress.getByName(host);
                String refusal = refusal(address);
                if (refusal != null && allowed.stream().noneMatch(c -> c.contains(address))) {
                    throw new RefusedAddressException("is " + address.getHostAddress() + ", " + refusal
                            + ", which outbound calls may not reach");
                }
            } catch (UnknownHostException e) {
                throw new RefusedAddressException("has a malformed address");
            }
        }
        return uri;
    }

    /** The URL checks that need no resolution: syntax, scheme, host, no user information. */
    private URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new RefusedAddressException("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && settings.allowHttp())) {
            throw new RefusedAddressException(settings.allowHttp() ? "must be an http(s) URL" : "must be an https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new RefusedAddressException("has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new RefusedAddressException("must not carry user information");
        }
        return uri;
    }

    /** One request to send; a read timeout longer than the policy's (or none) gets the policy's. */
    public record Request(String method, String url, Map<String, String> headers, byte[] body, Duration readTimeout) {}

    /** What came back: status, reason phrase, headers by lower-case name, body. */
    public record Response(int status, String reason, Map<String, List<String>> headers, byte[] body) {}

    /**
     * GETs {@code url} within the policy's limits and returns the body as text; anything but 200 is an error.
     */
    public String get(String url) {
        Response response = exchange(new Request("GET", url, Map.of("Accept", "application/json"), null, null));
        if (response.status() != 200) {
            throw new OutboundCallException(URI.create(url).getHost() + " answered " + response.status());
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /**
     * Sends {@code request} within the policy's limits and returns the answer, whatever its status. The URL's
     * addresses are checked once, by the client's resolver, at the moment the connection is made.
     */
    public Response exchange(Request request) {
        URI uri = parse(request.url());
        Duration read = request.readTimeout() == null || request.readTimeout().compareTo(settings.readTimeout()) > 0
                ? settings.readTimeout() : request.readTimeout();
        Duration limit = settings.connectTimeout().plus(read);
        long deadline = System.nanoTime() + limit.toNanos();
        HttpUriRequestBase http = new HttpUriRequestBase(request.method(), uri);
        request.headers().forEach(http::setHeader);
        if (request.body() != null) {
            http.setEntity(new ByteArrayEntity(request.body(), null));
        }
        http.setConfig(RequestConfig.custom().setConnectionRequestTimeout(Timeout.of(settings.connectTimeout()))
                .setResponseTimeout(Timeout.of(read)).setRedirectsEnabled(false).build());
        try {
            return client.execute(http, response -> {
                Map<String, List<String>> headers = new LinkedHashMap<>();
                for (Header h : response.getHeaders()) {
                    headers.computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(h.getValue());
                }
                byte[] body = new byte[0];
                if (response.getEntity() != null) {
                    try (InputStream in = response.getEntity().getContent()) {
                        body = readBounded(in, deadline, limit, http);
                    }
                }
                return new Response(response.getCode(), response.getReasonPhrase(), headers, body);
            });
        } catch (RefusedAddressException | OutboundCallException e) {
            throw e;
        } catch (IOException | UncheckedIOException e) {
            throw new OutboundCallException("cannot reach " + uri.getHost() + ": " + e.getMessage());
        }
    }

    private byte[] readBounded(InputStream in, long deadline, Duration limit, HttpUriRequestBase http)
            throws IOException {
        byte[] buffer = new byte[8192];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > settings.maxResponseBytes()) {
                http.abort();
                throw new OutboundCallException("the response is larger than " + settings.maxResponseBytes()
                        + " bytes");
            }
            if (System.nanoTime() > deadline) {
                http.abort();
                throw new OutboundCallException("the response took longer than " + limit.toMillis() + " ms");
            }
        }
        return out.toByteArray();
    }

    private InetAddress[] checkedAddresses(String host) throws UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        for (InetAddress address : addresses) {
            String refusal = refusal(address);
            if (refusal != null && allowed.stream().noneMatch(c -> c.contains(address))) {
                throw new RefusedAddressException("resolves to " + address.getHostAddress() + ", " + refusal
                        + ", which outbound calls may not reach");
            }
        }
        return addresses;
    }

    /** Why {@code address} is refused by default, or null when it is an ordinary public address. */
    static String refusal(InetAddress address) {
        if (address instanceof Inet6Address v6 && isIpv4Mapped(v6.getAddress())) {
            try {
                return refusal(InetAddress.getByAddress(Arrays.copyOfRange(v6.getAddress(), 12, 16)));
            } catch (UnknownHostException e) {
                return "an unreadable address";
            }
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address (cloud metadata lives there)";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0 || first >= 240) {
                return "a reserved address";
            }
            if (first == 100 && second >= 64 && second < 128) {
                return "a carrier-grade NAT address";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "a benchmarking address";
            }
            if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
                return "an IETF protocol address";
            }
        } else if ((b[0] & 0xfe) == 0xfc) {
            return "a unique-local (private) address";
        }
        return null;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    /** An address range in CIDR notation that operators allow despite {@link #refusal}. */
    private record Cidr(byte[] network, int prefix) {
        static Cidr parse(String text) {
            String[] parts = text.trim().split("/");
            try {
                byte[] network = InetAddress.getByName(parts[0]).getAddress();
                int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
                return new Cidr(network, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("baton.outbound.allowed-ranges: not a CIDR range: " + text);
            }
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** An address the policy refuses; the message says why, to complete "the URL ...". */
    public static final class RefusedAddressException extends RuntimeException {
        public RefusedAddressException(String message) {
            super(message);
        }
    }

    /** A call the policy allowed that failed, timed out or answered too much. */
    public static final class OutboundCallException extends RuntimeException {
        public OutboundCallException(String message) {
            super(message);
        }
    }
}
