package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.tenancy.Tenant;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.Tenants;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Retention on a known set of executions: a tenant keeping one day and two finished executions per workflow loses
 * exactly those past either, sub-workflows with their parent, each written to the archive first as a JSON line;
 * running executions and another tenant's old ones stay.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RetentionIT extends PlatformIT {

    private static final Path ARCHIVE = temporary();

    @Autowired Tenants tenants;
    @Autowired MeterRegistry meters;

    @DynamicPropertySource
    static void retention(DynamicPropertyRegistry registry) {
        registry.add("baton.retention.archive-dir", ARCHIVE::toString);
        registry.add("baton.it.retention-interval", () -> "PT0.2S");
        registry.add("baton.retention.batch", () -> "2");
        // its own election, so this context leads retention whatever other contexts of the test run hold
        registry.add("baton.engine.leadership-scope", () -> "retention-it-" + UUID.randomUUID());
    }

    @Test
    void expiredExecutionsAreArchivedThenRemovedAndNothingElse() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        TenantId tenant = createTenant("kept-" + suffix);
        TenantId other = createTenant("other-" + suffix);
        String admin = token(adminKey(tenant));
        String otherAdmin = token(adminKey(other));
        define(admin, "daily");
        define(admin, "parent", """
                {"name":"child","taskReferenceName":"child","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"daily"}}""");
        define(admin, "waiting", """
                {"name":"nap","taskReferenceName":"nap","type":"WAIT"}""");
        define(otherAdmin, "daily");

        List<String> daily = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            daily.add(start(admin, "daily"));
        }
        String oldDaily = start(admin, "daily");
        String parent = start(admin, "parent");
        String child = ownerQuery("SELECT id::text FROM workflows WHERE parent_workflow_id = ?::uuid", parent);
        String running = start(admin, "waiting");
        String othersOld = start(otherAdmin, "daily");
        // the four newest 'daily' ended minutes apart; the fifth and the parent ended three days ago
        for (int i = 0; i < daily.size(); i++) {
            endedAgo(daily.get(i), Duration.ofMinutes(40 - 10L * i));
        }
        endedAgo(oldDaily, Duration.ofDays(3));
        endedAgo(parent, Duration.ofDays(3));
        endedAgo(othersOld, Duration.ofDays(30));
        ownerQuery("UPDATE workflows SET created_at = now() - interval '5 days' WHERE id = ?::uuid RETURNING id",
                running);
        Thread.sleep(600);
        assertThat(exists(oldDaily)).as("nothing goes before the tenant has a retention").isTrue();

        tenants.setQuotas(tenant, new Tenant.Quotas(null, null, null, 1, 2));
        Set<String> removed = Set.of(daily.get(0), daily.get(1), oldDaily, parent, child);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (removed.stream().anyMatch(this::exists) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        for (String id : removed) {
            assertThat(exists(id)).as("removed: %s", id).isFalse();
            assertThat(call("GET", "/api/workflow/" + id, admin, null).statusCode()).isEqualTo(404);
        }
        for (String id : List.of(daily.get(2), daily.get(3), running)) {
            assertThat(exists(id)).as("kept: %s", id).isTrue();
        }
        assertThat(exists(othersOld)).as("another tenant's, which has no retention").isTrue();
        assertThat(archived(tenant)).containsExactlyInAnyOrderElementsOf(removed);
        assertThat(archived(other)).isEmpty();
        assertThat(meters.get("baton.retention.removed").tag("tenant", tenant.value()).counter().count())
                .isEqualTo(5.0);
        assertThat(ownerQuery("SELECT count(*)::text FROM tasks WHERE workflow_id = ANY (?::uuid[])",
                "{" + String.join(",", removed) + "}")).as("their tasks went too").isEqualTo("0");
    }

    private void define(String token, String name) throws Exception {
        define(token, name, """
                {"name":"note","taskReferenceName":"note","type":"SET_VARIABLE","inputParameters":{"x":1}}""");
    }

    private void define(String token, String name, String task) throws Exception {
        HttpResponse<String> r = call("POST", "/api/metadata/workflow", token,
                "{\"name\":\"" + name + "\",\"tasks\":[" + task + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private String start(String token, String name) throws Exception {
        HttpResponse<String> r = call("POST", "/api/workflow/" + name, token, "{}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static void endedAgo(String id, Duration ago) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ("0".equals(ownerQuery("SELECT count(*)::text FROM workflows WHERE id = ?::uuid AND ended_at IS NOT NULL",
                id)) && System.nanoTime() < deadline) {
            sleep(50);
        }
        String updated = ownerQuery("UPDATE workflows SET ended_at = now() - make_interval(secs => ?), "
                + "created_at = now() - make_interval(secs => ?) - interval '1 second' WHERE id = ?::uuid "
                + "AND ended_at IS NOT NULL RETURNING id::text",
                (double) ago.toSeconds(), (double) ago.toSeconds(), id);
        assertThat(updated).as("%s has ended", id).isEqualTo(id);
    }

    private boolean exists(String id) {
        return !"0".equals(ownerQuery("SELECT count(*)::text FROM workflows WHERE id = ?::uuid", id));
    }

    private static Set<String> archived(TenantId tenant) throws Exception {
        Set<String> ids = new HashSet<>();
        Path dir = ARCHIVE.resolve(tenant.value());
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode w = JSON.readTree(line);
                    assertThat(w.get("tasks")).as("archived with its tasks").isNotEmpty();
                    ids.add(w.get("workflowId").asString());
                }
            }
        }
        return ids;
    }

    private static Path temporary() {
        try {
            return Files.createTempDirectory("baton-archive-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
