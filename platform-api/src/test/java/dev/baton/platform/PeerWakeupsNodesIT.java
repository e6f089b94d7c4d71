package dev.baton.platform;

import static dev.baton.platform.NodeApi.adminKey;
import static dev.baton.platform.NodeApi.expect;
import static dev.baton.platform.NodeApi.send;
import static dev.baton.platform.NodeApi.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A worker long-polling one server process gets a task queued through another as soon as it is queued (PostgreSQL
 * LISTEN/NOTIFY between the nodes, or Redis publish/subscribe when configured), not when its poll times out.
 */
class PeerWakeupsNodesIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration BOOT = Duration.ofSeconds(90);

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aTaskQueuedOnOneNodeWakesAPollerWaitingOnAnother() throws Exception {
        wakeAcrossNodes(() -> { });
    }

    /** The same through Redis publish/subscribe: both nodes hear one topic, and PostgreSQL carries no wake-ups. */
    @Test
    void throughRedisATaskQueuedOnOneNodeWakesAPollerWaitingOnAnother() throws Exception {
        String redis = System.getenv().getOrDefault("BATON_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        String prefix = "baton-test-" + suffix + ":";
        org.redisson.config.Config config = new org.redisson.config.Config();
        config.useSingleServer().setAddress(redis);
        org.redisson.api.RedissonClient client = org.redisson.Redisson.create(config);
        try {
            // Redis answers PUBSUB NUMSUB from the subscriptions it has registered, which may trail a node's start
            wakeAcrossNodes(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (client.getTopic(prefix + "queues").countSubscribers() < 2 && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
                }
                assertThat(client.getTopic(prefix + "queues").countSubscribers()).as("both nodes hear the topic")
                        .isEqualTo(2);
            }, "--baton.redis.url=" + redis, "--baton.redis.key-prefix=" + prefix);
        } finally {
            client.shutdown();
        }
    }

    private void wakeAcrossNodes(Runnable whileUp, String... more) throws Exception {
        Path credentials = Files.createTempDirectory("baton-wakeups-").resolve("initial-credentials");
        List<String> all = new java.util.ArrayList<>(List.of("--baton.auth.initial-credentials-file=" + credentials));
        all.addAll(List.of(more));
        String[] args = all.toArray(String[]::new);
        try (ServerProcess a = ServerProcess.onDatabase(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword(), args);
                ServerProcess b = ServerProcess.onDatabase(TestDatabase.url(), TestDatabase.adminUser(),
                        TestDatabase.adminPassword(), args)) {
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try {
                    b.start(BOOT);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            a.start(BOOT);
            second.join();
            whileUp.run();
            String[] key = adminKey(credentials);
            String tokenA = token(a.baseUrl(), key);
            String tokenB = token(b.baseUrl(), key);
            String type = "woken_" + suffix;
            expect(send(a.baseUrl(), tokenA, "POST", "/api/metadata/taskdefs", List.of(Map.of("name", type))), 200);
            expect(send(a.baseUrl(), tokenA, "POST", "/api/metadata/workflow", Map.of("name", type + "_flow",
                    "tasks", List.of(Map.of("name", type, "taskReferenceName", "w")))), 200);

            for (int round = 0; round < 3; round++) {
                CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(() -> {
                    try {
                        return send(b.baseUrl(), tokenB, "GET", "/api/tasks/poll/batch/" + type
                                + "?workerid=far&count=1&timeout=15000", null);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(1_500); // the poll has found the queue empty and waits
                long queuedAt = System.nanoTime();
                String id = send(a.baseUrl(), tokenA, "POST", "/api/workflow/" + type + "_flow", Map.of()).body();
                HttpResponse<String> polled = poll.get(20, java.util.concurrent.TimeUnit.SECONDS);
                Duration waited = Duration.ofNanos(System.nanoTime() - queuedAt);
                expect(polled, 200);
                JsonNode tasks = JSON.readTree(polled.body());
                assertThat(tasks.size()).isEqualTo(1);
                assertThat(tasks.get(0).get("workflowInstanceId").asString()).isEqualTo(id);
                assertThat(waited).as("woken across nodes, not at the poll's 15 s timeout")
                        .isLessThan(Duration.ofSeconds(3));
                expect(send(b.baseUrl(), tokenB, "POST", "/api/tasks", Map.of("workflowInstanceId", id, "taskId",
                        tasks.get(0).get("taskId").asString(), "workerId", "far", "status", "COMPLETED",
                        "outputData", Map.of())), 200);
            }
        }
    }
}
