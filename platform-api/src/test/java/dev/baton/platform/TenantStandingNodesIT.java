package dev.baton.platform;

import static dev.baton.platform.NodeApi.expect;
import static dev.baton.platform.NodeApi.send;
import static dev.baton.platform.NodeApi.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A tenant's standing held for all nodes together: two server processes behind an imagined balancer, called as fast
 * as they answer for two seconds, let through at most what the tenant's request quota allows in that time, not that
 * twice; a tenant suspended through one is refused by the other at once, not when its cached copy expires; and a key
 * revoked through one stops working on the other at once, not at its next look at the revocations.
 */
class TenantStandingNodesIT {

    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final int PER_SECOND = 5;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void twoNodesTogetherHoldATenantsRequestRateAndSuspensionThroughPostgres() throws Exception {
        holdTheRate();
    }

    @Test
    void twoNodesTogetherHoldATenantsRequestRateAndSuspensionThroughRedis() throws Exception {
        String redis = System.getenv().getOrDefault("BATON_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        holdTheRate("--baton.redis.url=" + redis, "--baton.redis.key-prefix=baton-test-" + suffix + ":");
    }

    private void holdTheRate(String... more) throws Exception {
        Path credentials = Files.createTempDirectory("baton-rates-").resolve("initial-credentials");
        // revocations are read every minute here, so only A's message can make B refuse a revoked key at once
        List<String> all = new ArrayList<>(List.of("--baton.auth.initial-credentials-file=" + credentials,
                "--baton.auth.revocation-poll-interval=PT1M"));
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
            String tenant = "rated-" + suffix;
            try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                    TestDatabase.adminPassword()); PreparedStatement s = c.prepareStatement(
                            "INSERT INTO tenants (id, name, max_requests_per_second) VALUES (?, ?, ?)")) {
                s.setString(1, tenant);
                s.setString(2, "Rated");
                s.setInt(3, PER_SECOND);
                s.executeUpdate();
            }
            String[] key = TestKeys.tenantAdminKey(tenant);
            List<String[]> nodes = List.of(new String[] {a.baseUrl(), token(a.baseUrl(), key)},
                    new String[] {b.baseUrl(), token(b.baseUrl(), key)});
            Thread.sleep(1_100); // the sign-ins are not counted, but start in a window of its own anyway

            AtomicInteger allowed = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            List<CompletableFuture<Void>> callers = new ArrayList<>();
            for (String[] node : nodes) {
                callers.add(CompletableFuture.runAsync(() -> {
                    try {
                        while (System.nanoTime() < until) {
                            HttpResponse<String> r = send(node[0], node[1], "GET", "/api/metadata/taskdefs", null);
                            if (r.statusCode() == 200) {
                                allowed.incrementAndGet();
                            } else {
                                expect(r, 429);
                                refused.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<Void> caller : callers) {
                caller.get();
            }
            // two seconds touch at most three one-second windows (or a bucket of five refilled twice)
            assertThat(allowed.get()).as("calls let through by both nodes together")
                    .isBetween(PER_SECOND, 3 * PER_SECOND);
            assertThat(refused.get()).as("calls refused").isPositive();

            // suspended through A, refused by B at once: B forgets its cached copy when A tells it
            Thread.sleep(1_100);
            expect(send(b.baseUrl(), nodes.get(1)[1], "GET", "/api/metadata/taskdefs", null), 200);
            String operator = token(a.baseUrl(), TestKeys.platformOperatorKey());
            expect(send(a.baseUrl(), operator, "PUT", "/api/admin/tenants/" + tenant + "/suspend", null), 200);
            long suspendedAt = System.nanoTime();
            int status = 200;
            while (status == 200 && System.nanoTime() - suspendedAt < Duration.ofSeconds(5).toNanos()) {
                status = send(b.baseUrl(), nodes.get(1)[1], "GET", "/api/metadata/taskdefs", null).statusCode();
            }
            assertThat(status).isEqualTo(403);
            assertThat(Duration.ofNanos(System.nanoTime() - suspendedAt)).as("refused before the 2 s cache expired")
                    .isLessThan(Duration.ofMillis(1_000));

            // a key revoked through A: B, which verified a token of it before, refuses that token at once
            expect(send(a.baseUrl(), operator, "PUT", "/api/admin/tenants/" + tenant + "/resume", null), 200);
            String[] other = TestKeys.tenantAdminKey(tenant);
            String otherToken = token(b.baseUrl(), other);
            expect(send(b.baseUrl(), otherToken, "GET", "/api/metadata/taskdefs", null), 200);
            String app = PlatformIT.ownerQuery("SELECT application_id::text FROM application_keys WHERE id = ?",
                    other[0]);
            expect(send(a.baseUrl(), nodes.get(0)[1], "DELETE", "/api/applications/" + app + "/accessKeys/" + other[0],
                    null), 200);
            long revokedAt = System.nanoTime();
            status = 200;
            while (status == 200 && System.nanoTime() - revokedAt < Duration.ofSeconds(5).toNanos()) {
                status = send(b.baseUrl(), otherToken, "GET", "/api/metadata/taskdefs", null).statusCode();
            }
            assertThat(status).isEqualTo(401);
            assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).as("refused long before B's next look")
                    .isLessThan(Duration.ofMillis(1_000));
        }
    }
}
