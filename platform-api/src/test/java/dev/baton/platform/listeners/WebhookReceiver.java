package dev.baton.platform.listeners;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on loopback, as a tenant would write one: it checks every delivery's signature with the
 * shared secret (HMAC-SHA256 over the timestamp, a dot and the raw body, compared in constant time) and refuses
 * what does not verify with 401; each path answers the statuses it is told, in turn, then 200.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived, and whether its signature verified. */
    record Received(String path, Map<String, String> headers, String body, boolean verified, Instant at) {}

    private final HttpServer server;
    private final String secret;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, ConcurrentLinkedQueue<Integer>> answers = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();

    WebhookReceiver(String secret) {
        this.secret = secret;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next answers of {@code path}, in turn; after them, 200. */
    void answer(String path, Integer... statuses) {
        answers.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(statuses));
    }

    /** Every request to {@code path} waits this long before it is answered. */
    void delay(String path, Duration delay) {
        delays.put(path, delay);
    }

    List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits until {@code path} has had {@code count} requests matching {@code which}; returns them. */
    List<Received> await(String path, int count, Predicate<Received> which, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            List<Received> matching = received(path).stream().filter(which).toList();
            if (matching.size() >= count) {
                return matching;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(path + " received " + received(path).stream().filter(which).count() + " of "
                + count + " within " + within + ": " + received(path));
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.getFirst()));
        boolean verified = verifies(headers.get("Baton-Timestamp"), headers.get("Baton-Signature"), body);
        received.add(new Received(path, headers, new String(body, StandardCharsets.UTF_8), verified, Instant.now()));
        Duration delay = delays.get(path);
        if (delay != null) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Integer next = answers.getOrDefault(path, new ConcurrentLinkedQueue<>()).poll();
        int status = !verified ? 401 : next == null ? 200 : next;
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private boolean verifies(String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null || !signature.startsWith("v1=")) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            byte[] given = HexFormat.of().parseHex(signature.substring(3));
            long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp));
            return MessageDigest.isEqual(expected, given) && age < 300;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static List<String> events(List<Received> requests) {
        List<String> events = new ArrayList<>();
        requests.forEach(r -> events.add(r.headers().get("Baton-Event")));
        return events;
    }
}
