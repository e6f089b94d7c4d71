package dev.baton.platform;

import static dev.baton.platform.NodeApi.expect;
import static dev.baton.platform.NodeApi.send;
import static dev.baton.platform.NodeApi.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One node at a time sweeps timers and fires schedules: of two server processes exactly one leads each job, and when
 * it dies the other takes the job over within seconds. The nodes elect in a scope of their own, apart from the
 * application this test JVM runs.
 */
class LeaderNodesIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration BOOT = Duration.ofSeconds(90);

    /**
     * The jobs one node at a time does, as /actuator/leadership sorts them: installation-wide gauges, retention,
     * schedules, timers (the search feed only runs with an index).
     */
    private static final List<String> ROLES = List.of("metrics", "retention", "schedules", "timers");

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void oneNodeLeadsAndAnotherTakesOverWhenItDiesThroughPostgres() throws Exception {
        electAndFailOver("--baton.engine.leadership-scope=it-" + suffix);
    }

    @Test
    void oneNodeLeadsAndAnotherTakesOverWhenItDiesThroughRedis() throws Exception {
        String redis = System.getenv().getOrDefault("BATON_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        // Redis locks lapse 30 s after their holder dies; the watchdog's lease is Redisson's default
        electAndFailOver("--baton.redis.url=" + redis, "--baton.redis.key-prefix=baton-test-" + suffix + ":");
    }

    private void electAndFailOver(String... more) throws Exception {
        Path credentials = Files.createTempDirectory("baton-leaders-").resolve("initial-credentials");
        List<String> all = new ArrayList<>(List.of("--baton.auth.initial-credentials-file=" + credentials));
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
            String[] operatorKey = TestKeys.platformOperatorKey();
            String operatorA = token(a.baseUrl(), operatorKey);
            String operatorB = token(b.baseUrl(), operatorKey);

            List<String> leadsA = awaitLeads(a.baseUrl(), operatorA, ROLES, b.baseUrl(), operatorB);
            List<String> leadsB = leads(b.baseUrl(), operatorB);
            assertThat(leadsA.size() + leadsB.size()).as("each job has exactly one leader").isEqualTo(ROLES.size());
            List<String> both = new ArrayList<>(leadsA);
            both.retainAll(leadsB);
            assertThat(both).as("no job led by both").isEmpty();

            // the leader of the timers dies; the other node takes them over
            ServerProcess leader = leadsA.contains("timers") ? a : b;
            ServerProcess survivor = leader == a ? b : a;
            String survivorToken = leader == a ? operatorB : operatorA;
            leader.kill();
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            while (!leads(survivor.baseUrl(), survivorToken).equals(ROLES) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(leads(survivor.baseUrl(), survivorToken)).isEqualTo(ROLES);

            // and fires timers: a workflow waiting one second completes
            String admin = token(survivor.baseUrl(), TestKeys.tenantAdminKey());
            String flow = "napping_" + suffix;
            expect(send(survivor.baseUrl(), admin, "POST", "/api/metadata/workflow", Map.of("name", flow, "tasks",
                    List.of(Map.of("name", "nap", "taskReferenceName", "nap", "type", "WAIT", "inputParameters",
                            Map.of("duration", "1s"))))), 200);
            String id = send(survivor.baseUrl(), admin, "POST", "/api/workflow/" + flow, Map.of()).body();
            String status = "RUNNING";
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!status.equals("COMPLETED") && System.nanoTime() < until) {
                Thread.sleep(200);
                status = JSON.readTree(send(survivor.baseUrl(), admin, "GET", "/api/workflow/" + id, null).body())
                        .get("status").asString();
            }
            assertThat(status).isEqualTo("COMPLETED");
        }
    }

    /** Waits until the two nodes together lead every one of {@code roles}; returns what the first leads. */
    private static List<String> awaitLeads(String base, String token, List<String> roles, String otherBase,
            String otherToken) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<String> mine = leads(base, token);
            List<String> together = new ArrayList<>(mine);
            together.addAll(leads(otherBase, otherToken));
            if (together.containsAll(roles) || System.nanoTime() > deadline) {
                return mine;
            }
            Thread.sleep(200);
        }
    }

    private static List<String> leads(String base, String token) throws Exception {
        var r = send(base, token, "GET", "/actuator/leadership", null);
        expect(r, 200);
        List<String> roles = new ArrayList<>();
        for (JsonNode role : JSON.readTree(r.body()).get("leads")) {
            roles.add(role.asString());
        }
        return roles;
    }
}
