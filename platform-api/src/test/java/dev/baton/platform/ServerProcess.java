package dev.baton.platform;

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
import java.util.concurrent.TimeUnit;

/**
 * The packaged platform jar running as a separate operating-system process, so a test can kill it the way a
 * crash or an OOM killer would (SIGKILL: no shutdown hooks, no graceful drain), stop it as an orchestrator would
 * (SIGTERM), and start it again.
 */
final class ServerProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<String> arguments;
    private final Path log;
    private final int port;
    private Process process;

    private ServerProcess(List<String> arguments, Path log, int port) {
        this.arguments = arguments;
        this.log = log;
        this.port = port;
    }

    /** A server on a free loopback port, using the given database; not yet started. */
    static ServerProcess onDatabase(String jdbcUrl, String ownerUser, String ownerPassword, String... extraArgs)
            throws IOException {
        String jar = System.getProperty("baton.it.server-jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("baton.it.server-jar must name the packaged platform jar (got " + jar
                    + "); the failsafe configuration in platform-api/pom.xml sets it");
        }
        int port = freePort();
        List<String> args = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar", jar,
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--baton.database.url=" + jdbcUrl,
                "--baton.database.owner-username=" + ownerUser,
                "--baton.database.owner-password=" + ownerPassword));
        args.addAll(List.of(extraArgs));
        return new ServerProcess(args, Files.createTempFile("baton-server-", ".log"), port);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the process and returns once its health endpoint answers UP. */
    void start(Duration within) throws IOException, InterruptedException {
        process = new ProcessBuilder(arguments).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + "; log:\n" + tail());
            }
            try {
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl()
                        + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException notYetListening) {
                // the port opens late in start-up; keep waiting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the server did not become healthy within " + within + "; log:\n" + tail());
    }

    /** SIGKILL: the process gets no chance to finish anything it was doing. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server did not die after SIGKILL");
        }
    }

    /** SIGTERM, as an orchestrator stops a pod: the process drains and exits; returns how long that took. */
    Duration stop(Duration within) throws InterruptedException {
        long started = System.nanoTime();
        process.destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the server did not stop within " + within + " of SIGTERM; log:\n"
                    + tail());
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
