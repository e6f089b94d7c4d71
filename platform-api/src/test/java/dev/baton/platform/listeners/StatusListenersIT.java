package dev.baton.platform.listeners;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.api.Role;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.listeners.ListenerDef;
import dev.baton.listeners.StatusListeners;
import dev.baton.platform.PlatformIT;
import dev.baton.platform.listeners.WebhookReceiver.Received;
import dev.baton.tenancy.TenantId;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Status listeners end to end: status changes delivered to a receiving server that verifies their signatures,
 * retried with growing waits, dead-lettered and sent again; and confined: checked addresses and secrets, bounds,
 * another team's executions and another tenant's never heard, one tenant's slow receiver holding only its own.
 */
class StatusListenersIT extends PlatformIT {

    private static final String SECRET = "whsec-" + UUID.randomUUID();

    @Autowired StatusListeners listeners;
    @Autowired io.micrometer.core.instrument.MeterRegistry meters;

    private WebhookReceiver receiver;
    private String secretName;
    /** One administrator (of a team of its own) makes the secret and the listeners, so the team may use both. */
    private String admin;

    @BeforeEach
    void receiverAndSecret() throws Exception {
        receiver = new WebhookReceiver(SECRET);
        admin = adminToken();
        secretName = unique("hook-key").toLowerCase();
        expect(204, call("PUT", "/api/secrets/" + secretName, admin, JSON.writeValueAsString(Map.of("value",
                SECRET))));
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void subscribedChangesArriveSignedAndNothingElse() throws Exception {
        String worker = unique("listened");
        String workflow = oneTaskWorkflow(worker, "");
        JsonNode created = JSON.readTree(expect(201, call("POST", "/api/listeners", admin, listener(
                "done", List.of("task.COMPLETED", "workflow.COMPLETED"), List.of(workflow), "/done"))).body());
        assertThat(created.get("ownerTeam").asString()).startsWith("it-admins_");
        assertThat(created.get("enabled").asBoolean()).isTrue();

        UUID id = start(workflow, Map.of("n", 1));
        Task task = poll(worker);
        complete(task, Map.of("ok", true));
        awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));

        List<Received> got = receiver.await("/done", 2, r -> true, Duration.ofSeconds(10));
        assertThat(got).allMatch(Received::verified);
        assertThat(WebhookReceiver.events(got)).containsExactlyInAnyOrder("task.COMPLETED", "workflow.COMPLETED");
        for (Received r : got) {
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("id").asString()).isEqualTo(r.headers().get("Baton-Delivery"));
            assertThat(body.get("event").asString()).isEqualTo(r.headers().get("Baton-Event"));
            assertThat(body.get("listener").asString()).isEqualTo("done-" + suffix);
            assertThat(body.get("workflowId").asString()).isEqualTo(id.toString());
            assertThat(body.get("workflowName").asString()).isEqualTo(workflow);
            assertThat(body.get("status").asString()).isEqualTo("COMPLETED");
            assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
        }
        JsonNode taskEvent = JSON.readTree(got.stream().filter(r -> r.headers().get("Baton-Event")
                .equals("task.COMPLETED")).findFirst().orElseThrow().body());
        assertThat(taskEvent.get("taskId").asString()).isEqualTo(task.getTaskId().toString());
        assertThat(taskEvent.get("referenceTaskName").asString()).isEqualTo("w");
        assertThat(taskEvent.get("taskType").asString()).isEqualTo(worker);

        // RUNNING, SCHEDULED and IN_PROGRESS happened too, but were not asked for
        sleep(500);
        assertThat(receiver.received("/done")).hasSize(2);
        JsonNode deliveries = JSON.readTree(expect(200, call("GET", "/api/listeners/done-" + suffix
                + "/deliveries", admin, null)).body());
        assertThat(deliveries).hasSize(2);
        for (JsonNode d : deliveries) {
            assertThat(d.get("status").asString()).isEqualTo("DELIVERED");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
            assertThat(d.get("lastStatus").asInt()).isEqualTo(200);
        }
    }

    @Test
    void aFailingReceiverIsRetriedWithGrowingWaitsThenDeadLetteredAndSentAgain() throws Exception {
        String worker = unique("retried");
        String workflow = oneTaskWorkflow(worker, "");
        expect(201, call("POST", "/api/listeners", admin, listener("flaky", List.of("workflow.COMPLETED"),
                List.of(workflow), "/flaky")));
        expect(201, call("POST", "/api/listeners", admin, listener("down", List.of("workflow.COMPLETED"),
                List.of(workflow), "/down")));
        receiver.answer("/flaky", 500, 503);
        receiver.answer("/down", 503, 503, 503);
        double retriedBefore = delivered("retried");
        double deadBefore = delivered("dead");
        double deliveredBefore = delivered("delivered");

        UUID id = start(workflow, Map.of());
        complete(poll(worker), Map.of());
        awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));

        // three attempts each (max-attempts 3): the first retry after 0.3 s, the second after 0.6 s
        List<Received> flaky = receiver.await("/flaky", 3, r -> true, Duration.ofSeconds(10));
        assertThat(Duration.between(flaky.get(0).at(), flaky.get(1).at())).isGreaterThanOrEqualTo(
                Duration.ofMillis(300));
        assertThat(Duration.between(flaky.get(1).at(), flaky.get(2).at())).isGreaterThanOrEqualTo(
                Duration.ofMillis(600));
        assertThat(flaky).extracting(r -> r.headers().get("Baton-Delivery")).containsOnly(
                flaky.getFirst().headers().get("Baton-Delivery"));
        receiver.await("/down", 3, r -> true, Duration.ofSeconds(10));
        JsonNode delivered = awaitDelivery("flaky", "DELIVERED");
        assertThat(delivered.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivered.get("lastStatus").asInt()).isEqualTo(200);

        JsonNode dead = awaitDelivery("down", "DEAD");
        assertThat(dead.get("attempts").asInt()).isEqualTo(3);
        assertThat(dead.get("lastStatus").asInt()).isEqualTo(503);
        assertThat(dead.get("lastError").asString()).startsWith("answered 503");
        JsonNode deadLetters = JSON.readTree(expect(200, call("GET", "/api/listeners/down-" + suffix
                + "/deliveries?status=DEAD", admin, null)).body());
        assertThat(deadLetters).hasSize(1);
        sleep(1500);
        assertThat(receiver.received("/down")).as("a dead letter is not tried again by itself").hasSize(3);
        // the meters counted each attempt's end: two retries of each, one delivered, one dead
        assertThat(delivered("retried") - retriedBefore).isEqualTo(4.0);
        assertThat(delivered("dead") - deadBefore).isEqualTo(1.0);
        assertThat(delivered("delivered") - deliveredBefore).isEqualTo(1.0);
        long deadLettersBefore = listeners.backlog(java.time.Instant.now()).dead();

        // the receiver is back: the dead letter is sent again from its first attempt, and arrives
        JsonNode resent = JSON.readTree(expect(200, call("POST", "/api/listeners/down-" + suffix + "/deliveries/"
                + dead.get("id").asString() + "/redeliver", admin, null)).body());
        assertThat(resent.get("status").asString()).isEqualTo("PENDING");
        assertThat(resent.get("attempts").asInt()).isZero();
        List<Received> down = receiver.await("/down", 4, r -> true, Duration.ofSeconds(10));
        assertThat(down.get(3).headers().get("Baton-Delivery")).isEqualTo(dead.get("id").asString());
        assertThat(down.get(3).body()).isEqualTo(down.get(0).body());
        JsonNode redelivered = awaitDelivery("down", "DELIVERED");
        assertThat(redelivered.get("attempts").asInt()).isEqualTo(1);
        assertThat(listeners.backlog(java.time.Instant.now()).dead()).isEqualTo(deadLettersBefore - 1);
        // counted right after the outcome is committed
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (delivered("delivered") - deliveredBefore < 2.0 && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertThat(delivered("delivered") - deliveredBefore).isEqualTo(2.0);
        expect(404, call("POST", "/api/listeners/down-" + suffix + "/deliveries/" + UUID.randomUUID()
                + "/redeliver", admin, null));
    }

    @Test
    void aBrokerSinkGetsTheChangesInTheTenantsOwnNamespace() throws Exception {
        String worker = unique("published");
        String workflow = oneTaskWorkflow(worker, "");
        String subject = "status." + suffix;
        try (io.nats.client.Connection nats = io.nats.client.Nats.connect(System.getenv().getOrDefault(
                "BATON_TEST_NATS_URL", "nats://127.0.0.1:4222"))) {
            java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
            nats.createDispatcher(m -> got.add(new String(m.getData(), java.nio.charset.StandardCharsets.UTF_8)))
                    .subscribe("baton." + TENANT.value() + "." + subject);
            nats.flush(Duration.ofSeconds(2));
            JsonNode created = JSON.readTree(expect(201, call("POST", "/api/listeners", admin,
                    JSON.writeValueAsString(Map.of("name", "bus-" + suffix, "events", List.of("workflow.COMPLETED"),
                            "workflowNames", List.of(workflow), "sink", "nats:" + subject)))).body());
            assertThat(created.get("sink").asString()).isEqualTo("nats:" + subject);

            UUID id = start(workflow, Map.of());
            complete(poll(worker), Map.of());
            awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));

            String message = got.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(message).as("a message on baton.<tenant>.%s", subject).isNotNull();
            JsonNode body = JSON.readTree(message);
            assertThat(body.get("event").asString()).isEqualTo("workflow.COMPLETED");
            assertThat(body.get("listener").asString()).isEqualTo("bus-" + suffix);
            assertThat(body.get("workflowId").asString()).isEqualTo(id.toString());
            JsonNode delivery = awaitDelivery("bus", "DELIVERED");
            assertThat(delivery.get("id").asString()).isEqualTo(body.get("id").asString());
            assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
            assertThat(got.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
        }
        assertProblem(call("POST", "/api/listeners", admin, JSON.writeValueAsString(Map.of("name", "kafka-" + suffix,
                "events", List.of("workflow.FAILED"), "sink", "kafka:orders"))), "sink", "[amqp, nats]");
        assertProblem(call("POST", "/api/listeners", admin, JSON.writeValueAsString(Map.of("name", "wild-" + suffix,
                "events", List.of("workflow.FAILED"), "sink", "nats:orders.>"))), "sink", "no wildcards");
        assertProblem(call("POST", "/api/listeners", admin, JSON.writeValueAsString(Map.of("name", "both-" + suffix,
                "events", List.of("workflow.FAILED"), "sink", "nats:orders", "url", receiver.url("/x"),
                "signingSecret", secretName))), "url", "not both");
        assertProblem(call("POST", "/api/listeners", admin, JSON.writeValueAsString(Map.of("name", "none-" + suffix,
                "events", List.of("workflow.FAILED")))), "url", "not neither");
    }

    @Test
    void listenersAreCheckedBeforeTheyAreKept() throws Exception {
        String token = admin;
        assertProblem(call("POST", "/api/listeners", token, listener("bad", List.of("workflow.DONE"), List.of(),
                "/x")), "events[0]", "is not a status change a listener can hear");
        assertProblem(call("POST", "/api/listeners", token, """
                {"name":"private-%s","events":["workflow.FAILED"],"url":"http://10.1.2.3/hook","signingSecret":"%s"}
                """.formatted(suffix, secretName)), "url", "10.1.2.3");
        assertProblem(call("POST", "/api/listeners", token, """
                {"name":"file-%s","events":["workflow.FAILED"],"url":"file:///etc/passwd","signingSecret":"%s"}
                """.formatted(suffix, secretName)), "url", "");
        assertProblem(call("POST", "/api/listeners", token, """
                {"name":"nosecret-%s","events":["workflow.FAILED"],"url":"%s","signingSecret":"no-such-secret"}
                """.formatted(suffix, receiver.url("/x"))), "signingSecret", "no-such-secret");
        assertProblem(call("POST", "/api/listeners", token, """
                {"name":"bad/name","events":["workflow.FAILED"],"url":"%s","signingSecret":"%s"}
                """.formatted(receiver.url("/x"), secretName)), "name", "");
        assertProblem(call("POST", "/api/listeners", token, listener("many", List.of("workflow.FAILED"),
                java.util.Collections.nCopies(101, "wf"), "/x")), "workflowNames", "at most 100");
        expect(201, call("POST", "/api/listeners", token, listener("twice", List.of("workflow.FAILED"), List.of(),
                "/x")));
        expect(409, call("POST", "/api/listeners", token, listener("twice", List.of("workflow.FAILED"), List.of(),
                "/x")));
        assertProblem(call("GET", "/api/listeners/twice-" + suffix + "/deliveries?status=LOST", token, null),
                "status", "PENDING, DELIVERED, DEAD");
    }

    @Test
    void aTenantKeepsAtMostItsShareOfListeners() {
        TenantId tenant = createTenant(unique("full").toLowerCase().replace('_', '-'));
        hooksTeamWithKey(tenant);
        for (int i = 0; i < 50; i++) {
            listeners.add(tenant, new ListenerDef("l" + i, List.of("workflow.FAILED"), List.of(),
                    receiver.url("/x"), null, "key", true), "hooks", "test");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> listeners.add(tenant, new ListenerDef("l50",
                List.of("workflow.FAILED"), List.of(), receiver.url("/x"), null, "key", true), "hooks", "test"))
                .hasMessageContaining("a tenant may keep at most 50 status listeners");
    }

    @Test
    void deadLettersAreBoundedPerListenerAndInTime() {
        // a tenant whose receiver stays down: 1,010 dead letters of one listener, and one older than kept of another
        TenantId tenant = createTenant(unique("dead").toLowerCase().replace('_', '-'));
        hooksTeamWithKey(tenant);
        for (String name : List.of("down", "old")) {
            listeners.add(tenant, new ListenerDef(name, List.of("workflow.FAILED"), List.of(), receiver.url("/x"),
                    null, "key", true), "hooks", "test");
        }
        ownerQuery("INSERT INTO listener_deliveries (tenant_id, listener_name, event, payload, status, attempts, "
                + "created_at) SELECT ?, 'down', 'workflow.FAILED', jsonb_build_object('n', n), 'DEAD', 10, "
                + "now() - n * interval '1 second' FROM generate_series(1, 1010) n RETURNING 1", tenant.value());
        ownerQuery("INSERT INTO listener_deliveries (tenant_id, listener_name, event, payload, status, attempts, "
                + "created_at) VALUES (?, 'old', 'workflow.FAILED', '{}', 'DEAD', 10, now() - interval '31 days'), "
                + "(?, 'old', 'workflow.FAILED', '{}', 'DEAD', 10, now() - interval '29 days') RETURNING 1",
                tenant.value(), tenant.value());

        ownerQuery("SELECT purge_dead_listener_deliveries('30 days', 1000, 100000)");

        assertThat(ownerQuery("SELECT count(*)::text || ' ' || min((payload->>'n')::int) || '-' "
                + "|| max((payload->>'n')::int) FROM listener_deliveries WHERE tenant_id = ? AND listener_name = "
                + "'down'", tenant.value())).as("the newest 1,000 kept").isEqualTo("1000 1-1000");
        assertThat(ownerQuery("SELECT count(*)::text FROM listener_deliveries WHERE tenant_id = ? AND "
                + "listener_name = 'old' AND created_at > now() - interval '30 days'", tenant.value())).isEqualTo("1");
        assertThat(ownerQuery("SELECT count(*)::text FROM listener_deliveries WHERE tenant_id = ? AND "
                + "listener_name = 'old'", tenant.value())).isEqualTo("1");
    }

    @Test
    void anotherTeamsExecutionsAndAnotherTenantsAreNeverHeard() throws Exception {
        // a team of authors and operators with a workflow of its own
        String others = unique("others").toLowerCase();
        identities.createTeam(TENANT, others, null);
        UUID app = identities.createApplication(TENANT, unique("others-app"), others,
                EnumSet.of(Role.AUTHOR, Role.OPERATOR, Role.WORKER), false);
        String othersToken = token(identities.createKey(TENANT, app));
        String theirs = unique("theirs");
        expect(200, call("POST", "/api/metadata/workflow", othersToken, """
                {"name":"%s","version":1,"tasks":[{"name":"t","taskReferenceName":"t","type":"SET_VARIABLE",
                 "inputParameters":{"x":1}}]}""".formatted(theirs)));
        // the administrators' listener hears its own team's executions and those of no team, not another team's
        expect(201, call("POST", "/api/listeners", admin, listener("admins", List.of("workflow.COMPLETED"),
                List.of(), "/admins")));
        String theirId = expect(200, call("POST", "/api/workflow/" + theirs, othersToken, "{}")).body()
                .replace("\"", "");
        awaitStatus(UUID.fromString(theirId), WorkflowStatus.COMPLETED, Duration.ofSeconds(5));

        // another tenant: a workflow of the same name completes there
        TenantId other = createTenant(unique("elsewhere").toLowerCase().replace('_', '-'));
        String otherToken = token(adminKey(other));
        expect(200, call("POST", "/api/metadata/workflow", otherToken, """
                {"name":"%s","version":1,"tasks":[{"name":"t","taskReferenceName":"t","type":"SET_VARIABLE",
                 "inputParameters":{"x":1}}]}""".formatted(theirs)));
        expect(200, call("POST", "/api/workflow/" + theirs, otherToken, "{}"));
        // ...and the other tenant cannot see or touch this tenant's listener
        expect(404, call("GET", "/api/listeners/admins-" + suffix, otherToken, null));
        expect(404, call("GET", "/api/listeners/admins-" + suffix + "/deliveries", otherToken, null));
        assertThat(JSON.readTree(expect(200, call("GET", "/api/listeners", otherToken, null)).body())).isEmpty();

        // a workflow of no team is heard (every team may read it): proof the listener was working meanwhile
        String ourWorker = unique("ours");
        UUID ourId = start(oneTaskWorkflow(ourWorker, ""), Map.of());
        complete(poll(ourWorker), Map.of());
        awaitStatus(ourId, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));
        receiver.await("/admins", 1, r -> r.body().contains(ourId.toString()), Duration.ofSeconds(10));
        sleep(300);
        assertThat(receiver.received("/admins")).extracting(r -> JSON.readTree(r.body()).get("workflowId")
                .asString()).containsExactly(ourId.toString());
        // it hears every workflow of no team: removed, so it does not add to other tests' deliveries
        expect(200, call("DELETE", "/api/listeners/admins-" + suffix, admin, null));
    }

    @Test
    void aSlowReceiverOfOneTenantHoldsOnlyItsOwnDeliveries() throws Exception {
        TenantId slow = createTenant(unique("slow").toLowerCase().replace('_', '-'));
        hooksTeamWithKey(slow);
        listeners.add(slow, new ListenerDef("slow", List.of("workflow.COMPLETED"), List.of(),
                receiver.url("/slow"), null, "key", true), "hooks", "test");
        receiver.delay("/slow", Duration.ofMillis(1500));
        String wf = unique("quick");
        String def = """
                {"name":"%s","version":1,"tasks":[{"name":"t","taskReferenceName":"t","type":"SET_VARIABLE",
                 "inputParameters":{"x":1}}]}""".formatted(wf);
        // workflows of no team, which the hooks team's listener hears
        metadata.updateWorkflowDefs(slow, List.of(JSON.readValue(def, dev.baton.engine.api.definition.WorkflowDef
                .class)));
        for (int i = 0; i < 12; i++) {
            workflows.start(slow, dev.baton.engine.api.execution.StartWorkflowRequest.of(wf, null, Map.of()));
        }
        receiver.await("/slow", 1, r -> true, Duration.ofSeconds(5));

        // meanwhile this tenant's delivery goes out at once
        expect(201, call("POST", "/api/listeners", admin, listener("fast", List.of("workflow.COMPLETED"),
                List.of(wf), "/fast")));
        expect(200, call("POST", "/api/metadata/workflow", admin, def));
        long started = System.nanoTime();
        expect(200, call("POST", "/api/workflow/" + wf, admin, "{}"));
        receiver.await("/fast", 1, r -> true, Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1000));

        // the slow tenant's deliveries all arrive, never more than its share (4) under way at once
        List<Received> slowOnes = receiver.await("/slow", 12, r -> true, Duration.ofSeconds(15));
        for (Received first : slowOnes) {
            long overlapping = slowOnes.stream().filter(r -> !r.at().isBefore(first.at())
                    && r.at().isBefore(first.at().plusMillis(1400))).count();
            assertThat(overlapping).as("sends under way with the one at " + first.at()).isLessThanOrEqualTo(4);
        }
    }

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private String listener(String name, List<String> events, List<String> workflows, String path) {
        return JSON.writeValueAsString(Map.of("name", name + "-" + suffix, "events", events, "workflowNames",
                workflows, "url", receiver.url(path), "signingSecret", secretName));
    }

    /** The default tenant's delivery attempts that ended so, as the meters count them. */
    private double delivered(String outcome) {
        var counter = meters.find("baton.listener.deliveries").tags("tenant", TENANT.value(), "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private JsonNode awaitDelivery(String listener, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode all = JSON.readTree(call("GET", "/api/listeners/" + listener + "-" + suffix + "/deliveries",
                    admin, null).body());
            for (JsonNode d : all) {
                if (d.get("status").asString().equals(status)) {
                    return d;
                }
            }
            sleep(50);
        }
        throw new AssertionError("no " + status + " delivery of " + listener);
    }

    @Autowired dev.baton.connections.Vault vault;

    /** A team "hooks" in {@code tenant} owning the vault secret "key". */
    private void hooksTeamWithKey(TenantId tenant) {
        identities.createTeam(tenant, "hooks", null);
        vault.putSecret(tenant, "key", SECRET, null, "hooks", "test");
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response;
    }

    private static void assertProblem(HttpResponse<String> response, String field, String reasonPart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("\"" + field + "\"").contains(reasonPart);
    }
}
