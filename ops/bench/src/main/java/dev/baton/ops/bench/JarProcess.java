package dev.baton.ops.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server packaged as an executable jar, run as a process of its own on a free loopback port. */
final class JarProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final Http http;

    private JarProcess(Process process, int port, Path log) {
        this.process = process;
        this.log = log;
        this.http = new Http(port);
    }

    /**
     * Starts {@code java <jvmArgs> -jar <jar> --server.port=<free> --server.address=127.0.0.1 <appArgs>} with the
     * benchmark's own JVM, its output in {@code log}, and waits until {@code healthPath} answers 200.
     */
    static JarProcess start(Path jar, List<String> jvmArgs, List<String> appArgs, Path log, String healthPath)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--server.address=127.0.0.1"));
        command.addAll(appArgs);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        JarProcess server = new JarProcess(p, port, log);
        try {
            server.awaitHealthy(healthPath, Duration.ofSeconds(180));
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    Http http() {
        return http;
    }

    /** User plus system CPU seconds the process has used so far, from /proc (Linux). */
    double cpuSeconds() {
        double seconds = cpuSecondsOf(process.pid());
        if (seconds < 0) {
            throw new IllegalStateException("process " + process.pid() + " has ended");
        }
        return seconds;
    }

    /** User and system CPU seconds of process {@code pid} (from /proc), or -1 if it has ended. */
    static double cpuSecondsOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (java.nio.file.NoSuchFileException ended) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitHealthy(String path, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited; see " + log);
            }
            try {
                if (http.send("GET", path, null, null).statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not start within " + within + "; see " + log);
    }

    /** SIGKILL: the server gets no chance to finish anything, as when a machine or an OOM killer takes it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
