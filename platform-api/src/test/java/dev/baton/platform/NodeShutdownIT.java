package dev.baton.platform;

import static dev.baton.platform.NodeApi.expect;
import static dev.baton.platform.NodeApi.send;
import static dev.baton.platform.NodeApi.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node told to stop (SIGTERM, as an orchestrator stops a pod) drains: a worker's long poll parked on it returns
 * at once, empty, instead of holding the shutdown for its 50 s timeout or being cut off, and the node exits long
 * before that timeout.
 */
class NodeShutdownIT {

    @Test
    void aStoppedNodeReturnsParkedLongPollsAndExitsPromptly() throws Exception {
        Path credentials = Files.createTempDirectory("baton-drain-").resolve("initial-credentials");
        try (ServerProcess node = ServerProcess.onDatabase(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword(), "--baton.auth.initial-credentials-file=" + credentials)) {
            node.start(Duration.ofSeconds(90));
            String worker = token(node.baseUrl(), TestKeys.tenantAdminKey());
            CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(() -> {
                try {
                    return send(node.baseUrl(), worker, "GET",
                            "/api/tasks/poll/batch/nothing_comes?workerid=w-1&count=1&timeout=50000", null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_500); // parked by now

            long stopping = System.nanoTime();
            Duration stopped = node.stop(Duration.ofSeconds(45));
            HttpResponse<String> answered = poll.get(5, TimeUnit.SECONDS);

            expect(answered, 200);
            assertThat(answered.body()).isEqualTo("[]");
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("the poll did not wait out its timeout")
                    .isLessThan(Duration.ofSeconds(20));
            assertThat(stopped).as("the node stopped well before the poll's 50 s").isLessThan(Duration.ofSeconds(20));
        }
    }
}
