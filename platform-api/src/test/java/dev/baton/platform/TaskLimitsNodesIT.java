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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task definition's limits held across two server processes: workers polling both nodes at once never hold more
 * than {@code concurrentExecLimit} tasks of the type, get no more than {@code rateLimitPerFrequency} in its window,
 * and every task is handed out once, the held-back ones in their turn.
 */
class TaskLimitsNodesIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration BOOT = Duration.ofSeconds(90);

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void twoNodesTogetherHoldTheConcurrencyAndRateLimitsAndHandEachTaskOutOnce() throws Exception {
        holdLimitsOnTwoNodes();
    }

    /** The same with Redis holding the limits (Redisson's semaphore and rate limiter) instead of PostgreSQL. */
    @Test
    void twoNodesHoldTheLimitsThroughRedisAndGiveEveryPermitBack() throws Exception {
        String redis = System.getenv().getOrDefault("BATON_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        String prefix = "baton-test-" + suffix + ":";
        holdLimitsOnTwoNodes("--baton.redis.url=" + redis, "--baton.redis.key-prefix=" + prefix);
        org.redisson.config.Config config = new org.redisson.config.Config();
        config.useSingleServer().setAddress(redis);
        org.redisson.api.RedissonClient client = org.redisson.Redisson.create(config);
        try {
            List<String> keys = new ArrayList<>();
            client.getKeys().getKeysByPattern(prefix + "*").forEach(keys::add);
            assertThat(keys).as("the limits were held in Redis").anyMatch(k -> k.contains(":running:2"))
                    .anyMatch(k -> k.contains(":rate:3/60"));
            String running = keys.stream().filter(k -> k.endsWith(":running:2")).findFirst().orElseThrow();
            assertThat(client.getPermitExpirableSemaphore(running).availablePermits())
                    .as("every finished task gave its permit back").isEqualTo(2);
            client.getKeys().deleteByPattern(prefix + "*");
        } finally {
            client.shutdown();
        }
    }

    private void holdLimitsOnTwoNodes(String... more) throws Exception {
        Path credentials = Files.createTempDirectory("baton-limits-").resolve("initial-credentials");
        List<String> all = new ArrayList<>(List.of("--baton.auth.initial-credentials-file=" + credentials));
        all.addAll(List.of(more));
        String[] args = all.toArray(String[]::new);
        try (ServerProcess a = ServerProcess.onDatabase(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword(), args);
                ServerProcess b = ServerProcess.onDatabase(TestDatabase.url(), TestDatabase.adminUser(),
                        TestDatabase.adminPassword(), args)) {
            a.start(BOOT);
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try {
                    b.start(BOOT);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            String[] key = adminKey(credentials);
            String tokenA = token(a.baseUrl(), key);
            second.join();
            String tokenB = token(b.baseUrl(), key);
            List<String[]> nodes = List.of(new String[] {a.baseUrl(), tokenA}, new String[] {b.baseUrl(), tokenB});

            String limited = "limited_" + suffix;
            String rated = "rated_" + suffix;
            expect(send(a.baseUrl(), tokenA, "POST", "/api/metadata/taskdefs", List.of(
                    Map.of("name", limited, "retryCount", 0, "concurrentExecLimit", 2, "responseTimeoutSeconds", 60),
                    Map.of("name", rated, "retryCount", 0, "rateLimitPerFrequency", 3,
                            "rateLimitFrequencyInSeconds", 60, "responseTimeoutSeconds", 60))), 200);
            for (String type : List.of(limited, rated)) {
                expect(send(a.baseUrl(), tokenA, "POST", "/api/metadata/workflow", Map.of("name", type + "_flow",
                        "tasks", List.of(Map.of("name", type, "taskReferenceName", "w")))), 200);
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String[] node = nodes.get(i % 2);
                ids.add(send(node[0], node[1], "POST", "/api/workflow/" + limited + "_flow", Map.of()).body());
                send(node[0], node[1], "POST", "/api/workflow/" + rated + "_flow", Map.of());
            }

            // six workers, three on each node, hold each task a little, then report it done on the other node
            Set<String> holding = new HashSet<>();
            Set<String> delivered = new HashSet<>();
            AtomicInteger most = new AtomicInteger();
            AtomicInteger duplicates = new AtomicInteger();
            ExecutorService workers = Executors.newFixedThreadPool(6);
            List<Future<?>> running = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int w = 0; w < 6; w++) {
                String[] pollOn = nodes.get(w % 2);
                String[] reportOn = nodes.get((w + 1) % 2);
                String worker = "worker-" + w;
                running.add(workers.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        synchronized (delivered) {
                            if (delivered.size() == 8 && holding.isEmpty()) {
                                return null;
                            }
                        }
                        HttpResponse<String> polled = send(pollOn[0], pollOn[1], "GET", "/api/tasks/poll/batch/"
                                + limited + "?workerid=" + worker + "&count=2&timeout=200", null);
                        if (polled.statusCode() != 200 || polled.body().isBlank()) {
                            continue;
                        }
                        for (JsonNode task : JSON.readTree(polled.body())) {
                            String taskId = task.get("taskId").asString();
                            synchronized (delivered) {
                                if (!delivered.add(taskId)) {
                                    duplicates.incrementAndGet();
                                }
                                holding.add(taskId);
                                most.accumulateAndGet(holding.size(), Math::max);
                            }
                            Thread.sleep(100);
                            synchronized (delivered) {
                                holding.remove(taskId); // before the report, which is when the node frees the room
                            }
                            expect(send(reportOn[0], reportOn[1], "POST", "/api/tasks", Map.of("workflowInstanceId",
                                    task.get("workflowInstanceId").asString(), "taskId", taskId, "workerId", worker,
                                    "status", "COMPLETED", "outputData", Map.of())), 200);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(40, TimeUnit.SECONDS);
            }
            workers.shutdownNow();
            assertThat(most.get()).as("held at once across both nodes").isEqualTo(2);
            assertThat(duplicates.get()).as("tasks handed out twice").isZero();
            assertThat(delivered).hasSize(8);
            for (String id : ids) {
                JsonNode w = JSON.readTree(send(a.baseUrl(), tokenA, "GET", "/api/workflow/" + id, null).body());
                assertThat(w.get("status").asString()).as(id).isEqualTo("COMPLETED");
            }

            // the rate: three in the minute, whichever node is asked and however often
            int handed = 0;
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                for (String[] node : nodes) {
                    HttpResponse<String> polled = send(node[0], node[1], "GET", "/api/tasks/poll/batch/" + rated
                            + "?workerid=rater&count=5&timeout=50", null);
                    if (polled.statusCode() == 200 && !polled.body().isBlank()) {
                        handed += JSON.readTree(polled.body()).size();
                    }
                }
            }
            assertThat(handed).isEqualTo(3);
        }
    }
}
