package dev.baton.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import dev.baton.tenancy.TenantId;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Events through the real RabbitMQ and NATS of this machine: handlers act on what arrives on a tenant's queue or
 * subject, EVENT tasks publish to them, and tenants sharing a broker never share a queue or subject.
 */
class BrokerEventsIT extends PlatformIT {

    private static final String AMQP = System.getenv().getOrDefault("BATON_TEST_AMQP_URI",
            "amqp://guest:guest@127.0.0.1:5672");
    private static final String NATS = System.getenv().getOrDefault("BATON_TEST_NATS_URL", "nats://127.0.0.1:4222");
    private static final Duration SHORT = Duration.ofSeconds(10);

    private String startedFlow(TenantId tenant, String token, String team) throws Exception {
        String flow = unique("from_broker");
        assertThat(call("POST", "/api/metadata/workflow" + (team == null ? "" : "?team=" + team), token, """
                {"name":"%s","tasks":[{"name":"n","taskReferenceName":"n","type":"SET_VARIABLE",
                  "inputParameters":{"order":"${workflow.input.order}"}}],
                 "outputParameters":{"order":"${workflow.input.order}"}}""".formatted(flow)).statusCode())
                .isEqualTo(200);
        return flow;
    }

    private void handler(String token, String team, String event, String flow) throws Exception {
        var r = call("POST", "/api/event" + (team == null ? "" : "?team=" + team), token, JSON.writeValueAsString(
                Map.of("name", unique("broker_handler"), "event", event, "active", true, "actions", List.of(Map.of(
                        "action", "start_workflow", "start_workflow", Map.of("name", flow,
                                "input", Map.of("order", "${order}")))))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private List<Workflow> awaitRuns(TenantId tenant, String flow, int count) {
        long deadline = System.nanoTime() + SHORT.toNanos();
        List<Workflow> runs = runs(tenant, flow);
        while (runs.size() < count && System.nanoTime() < deadline) {
            sleep(50);
            runs = runs(tenant, flow);
        }
        return runs;
    }

    private List<Workflow> runs(TenantId tenant, String flow) {
        return workflows.searchWorkflows(tenant, new ExecutionQuery(List.of(flow), null, null, null, null, null, null,
                null, false, 0, 100)).results();
    }

    private String publisher(String sink) {
        String name = unique("to_broker");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"out","taskReferenceName":"out","type":"EVENT",
                  "inputParameters":{"sink":"%s","order":"${workflow.input.order}"}}]}""".formatted(name, sink));
        return name;
    }

    @Test
    void aMessageOnATenantsRabbitMqQueueStartsTheHandlersWorkflowOnceAndOnlyInThatTenant() throws Exception {
        String queue = "orders-" + UUID.randomUUID().toString().substring(0, 8);
        String admin = adminToken();
        String flow = startedFlow(TENANT, admin, null);
        TenantId other = createTenant("amqp-" + UUID.randomUUID().toString().substring(0, 8));
        String otherToken = token(adminKey(other));
        identities.createTeam(other, "ops", null);
        String otherFlow = startedFlow(other, otherToken, "ops");
        handler(admin, null, "amqp:" + queue, flow);
        handler(otherToken, "ops", "amqp:" + queue, otherFlow);

        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(AMQP);
        try (Connection c = factory.newConnection(); Channel ch = c.createChannel()) {
            String physical = "baton." + TENANT.value() + "." + queue;
            ch.queueDeclare(physical, true, false, false, null);
            ch.basicPublish("", physical, MessageProperties.PERSISTENT_BASIC,
                    "{\"order\":\"o-42\"}".getBytes(StandardCharsets.UTF_8));
        }
        List<Workflow> runs = awaitRuns(TENANT, flow, 1);
        assertThat(runs).hasSize(1);
        Workflow done = awaitStatus(runs.get(0).getWorkflowId(), WorkflowStatus.COMPLETED, SHORT);
        assertThat(done.getOutput()).containsEntry("order", "o-42");
        assertThat(done.getInput()).containsEntry("conductor.event.name", "amqp:" + queue);
        sleep(500);
        assertThat(runs(TENANT, flow)).as("once").hasSize(1);
        assertThat(runs(other, otherFlow)).as("another tenant's queue of the same name").isEmpty();
    }

    @Test
    void anEventTaskPublishesToTheTenantsRabbitMqQueue() throws Exception {
        String queue = "shipped-" + UUID.randomUUID().toString().substring(0, 8);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(AMQP);
        try (Connection c = factory.newConnection(); Channel ch = c.createChannel()) {
            String physical = "baton." + TENANT.value() + "." + queue;
            ch.queueDeclare(physical, true, false, false, null);
            UUID id = start(publisher("amqp:" + queue), Map.of("order", "o-7"));
            Workflow w = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
            assertThat(taskByRef(w, "out").getOutputData()).containsEntry("event_produced", "amqp:" + queue);
            GetResponse got = null;
            long deadline = System.nanoTime() + SHORT.toNanos();
            while (got == null && System.nanoTime() < deadline) {
                got = ch.basicGet(physical, true);
                if (got == null) {
                    sleep(50);
                }
            }
            assertThat(got).as("published to " + physical).isNotNull();
            JsonNode body = JSON.readTree(new String(got.getBody(), StandardCharsets.UTF_8));
            assertThat(body.get("order").asString()).isEqualTo("o-7");
            assertThat(body.get("workflowInstanceId").asString()).isEqualTo(id.toString());
            assertThat(got.getProps().getDeliveryMode()).as("persistent").isEqualTo(2);
        }
    }

    @Test
    void aNatsMessageStartsTheHandlersWorkflowAndAnEventTaskPublishesToNats() throws Exception {
        String subject = "orders.eu." + UUID.randomUUID().toString().substring(0, 8);
        String admin = adminToken();
        String flow = startedFlow(TENANT, admin, null);
        handler(admin, null, "nats:" + subject, flow);
        sleep(1500); // every node follows the handlers' subjects within baton.events.subscription-refresh

        try (io.nats.client.Connection nats = Nats.connect(NATS)) {
            nats.publish("baton." + TENANT.value() + "." + subject, "{\"order\":\"n-1\"}".getBytes(
                    StandardCharsets.UTF_8));
            nats.flush(Duration.ofSeconds(2));
            List<Workflow> runs = awaitRuns(TENANT, flow, 1);
            assertThat(runs).hasSize(1);
            assertThat(awaitStatus(runs.get(0).getWorkflowId(), WorkflowStatus.COMPLETED, SHORT).getOutput())
                    .containsEntry("order", "n-1");

            String out = "shipped." + UUID.randomUUID().toString().substring(0, 8);
            Subscription sub = nats.subscribe("baton." + TENANT.value() + "." + out);
            nats.flush(Duration.ofSeconds(2));
            UUID id = start(publisher("nats:" + out), Map.of("order", "n-2"));
            awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
            io.nats.client.Message m = sub.nextMessage(SHORT);
            assertThat(m).isNotNull();
            JsonNode body = JSON.readTree(new String(m.getData(), StandardCharsets.UTF_8));
            assertThat(body.get("order").asString()).isEqualTo("n-2");
            assertThat(body.get("workflowInstanceId").asString()).isEqualTo(id.toString());
        }
    }

    @Test
    void brokerDestinationsWithWildcardsOrUnknownBrokersAreRefused() throws Exception {
        var wildcard = call("POST", "/api/event", adminToken(), JSON.writeValueAsString(Map.of("name",
                unique("wild"), "event", "nats:baton.>", "actions", List.of(Map.of("action", "start_workflow",
                        "start_workflow", Map.of("name", "x"))))));
        assertThat(wildcard.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wildcard.body()).get("field").asString()).isEqualTo("event");
        var sink = call("POST", "/api/metadata/workflow", adminToken(), """
                {"name":"%s","tasks":[{"name":"e","taskReferenceName":"e","type":"EVENT",
                  "inputParameters":{"sink":"amqp:*"}}]}""".formatted(unique("wild_sink")));
        assertThat(sink.statusCode()).isEqualTo(400);
    }
}
