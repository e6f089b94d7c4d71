package dev.baton.ops.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The platform under test: its packaged jar as a separate process, and an HTTP client that signs in to it. */
final class Platform implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Path log;
    private String operatorToken;

    private Platform(Process process, String base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    static Platform start(Path jar, String jdbcUrl, Path work, List<String> jvmArgs)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path credentials = work.resolve("initial-credentials");
        Path log = work.resolve("platform.log");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx1g"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toString(),
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--baton.database.url=" + jdbcUrl, "--baton.database.owner-username=postgres",
                "--baton.database.pool-size=40",
                "--baton.auth.initial-credentials-file=" + credentials,
                "--logging.level.root=WARN"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Platform platform = new Platform(p, "http://127.0.0.1:" + port, log);
        platform.awaitHealthy(Duration.ofSeconds(120));
        Properties creds = new Properties();
        try (var in = Files.newBufferedReader(credentials)) {
            creds.load(in);
        }
        platform.operatorToken = platform.token(creds.getProperty("BATON_KEY_ID"),
                creds.getProperty("BATON_KEY_SECRET"));
        return platform;
    }

    long pid() {
        return process.pid();
    }

    /** The first administrator's token: a tenant administrator of {@code default} and a platform operator. */
    String operatorToken() {
        return operatorToken;
    }

    String token(String keyId, String keySecret) {
        HttpResponse<String> r = send("POST", "/api/token", null, Map.of("keyId", keyId, "keySecret", keySecret));
        expect(r, 200);
        return JSON.readTree(r.body()).get("token").asString();
    }

    /** A new tenant made through the operators' API; returns a token of its administrator. */
    String createTenant(String id) {
        HttpResponse<String> r = send("POST", "/api/admin/tenants", operatorToken, Map.of("id", id));
        expect(r, 201);
        JsonNode created = JSON.readTree(r.body());
        return token(created.get("keyId").asString(), created.get("keySecret").asString());
    }

    /** A metric of the platform's actuator, e.g. {@code jvm.gc.memory.allocated}. */
    double metric(String name, String tag) {
        HttpResponse<String> r = send("GET", "/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag),
                operatorToken, null);
        expect(r, 200);
        return JSON.readTree(r.body()).get("measurements").get(0).get("value").asDouble();
    }

    HttpResponse<String> send(String method, String path, String token, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s
                                : JSON.writeValueAsString(body)));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void expect(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(r.request().method() + " " + r.request().uri() + " answered "
                    + r.statusCode() + " " + r.body());
        }
    }

    private void awaitHealthy(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the platform exited; see " + log);
            }
            try {
                if (send("GET", "/actuator/health", null, null).statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the platform did not start within " + within + "; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
