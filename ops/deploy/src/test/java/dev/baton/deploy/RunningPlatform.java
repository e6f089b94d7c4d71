package dev.baton.deploy;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The image's entrypoint running on the host on a free loopback port, as a deployment would start it. */
final class RunningPlatform implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final int port;
    /** What the deployment mounts at the image's working directory (/var/lib/baton): empty at the start. */
    final Path volume;
    private final Process process;
    private final Path log;

    private RunningPlatform(int port, Path volume, Process process, Path log) {
        this.port = port;
        this.volume = volume;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the image with a deployment's environment; only the port is the test's (the container's 8080 may be
     * taken on this machine), and the heap is bounded as the container's memory limit would bound it.
     */
    static RunningPlatform start(ImageLayout image, Map<String, String> deploymentEnv, String heap, int port)
            throws IOException {
        Map<String, String> env = new HashMap<>(deploymentEnv);
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("SERVER_ADDRESS", "127.0.0.1");
        Path log = Files.createTempFile("baton-image-", ".log");
        Path volume = Files.createTempDirectory("baton-volume-");
        return new RunningPlatform(port, volume, image.start(env, volume, log, "-Xmx" + heap), log);
    }

    /** GET of a path on this node: its status and body. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until {@code path} answers 200, as a probe would. */
    void awaitOk(String path, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the platform exited with " + process.exitValue() + "; log:\n"
                        + tail());
            }
            try {
                if (get(path).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // the port opens late in start-up
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(path + " did not answer 200 within " + within + "; log:\n" + tail());
    }

    /**
     * Signs in with the key of the first administrator, which the node that made it wrote to the data volume;
     * the bearer token.
     */
    String adminToken() throws IOException, InterruptedException {
        Properties credentials = new Properties();
        try (var in = Files.newBufferedReader(volume.resolve("data/initial-credentials"))) {
            credentials.load(in);
        }
        HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/token")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"keyId\":\"" + credentials.getProperty("BATON_KEY_ID")
                        + "\",\"keySecret\":\"" + credentials.getProperty("BATON_KEY_SECRET") + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new AssertionError("POST /api/token answered " + token.statusCode() + ": " + token.body());
        }
        Matcher value = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(token.body());
        if (!value.find()) {
            throw new AssertionError("no token in " + token.body());
        }
        return value.group(1);
    }

    /** GET of a path with a bearer token: its status and body. */
    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, as Kubernetes or compose stops a container; returns how long the exit took. */
    Duration stop(Duration within) throws InterruptedException {
        long started = System.nanoTime();
        process.destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the platform did not stop within " + within + "; log:\n" + tail());
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
