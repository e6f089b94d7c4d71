package dev.baton.platform.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Push delivery end to end over a real WebSocket: tasks pushed only as far as the worker's credits go, results
 * reported over the same socket, refusals that send a worker back to polling, tasks given back when a stream
 * closes, and bounds on what one stream may ask for.
 */
@TestPropertySource(properties = {"baton.push.streams-per-tenant=3", "baton.push.long-poll=PT10S"})
// a context of its own, closed after: left running, its listeners' dispatcher would be a second node to the others
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TaskStreamsIT extends PlatformIT {

    @org.springframework.beans.factory.annotation.Autowired TaskStreams streams;

    private static final Duration SHORT = Duration.ofSeconds(5);

    @Test
    void tasksArePushedOnlyAsFarAsTheCreditsGoAndResultsGoBackOverTheSocket() throws Exception {
        String worker = unique("pushed");
        String flow = oneTaskWorkflow(worker, "");
        try (Client client = connect(adminToken(), worker)) {
            List<UUID> started = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                started.add(start(flow, Map.of("i", i)));
            }
            client.send(Map.of("credit", 2));
            List<JsonNode> first = client.tasks(2, SHORT);
            assertThat(client.next(Duration.ofMillis(1_500))).as("a third task beyond two credits").isNull();
            for (JsonNode t : first) {
                assertThat(t.get("taskDefName").asString()).isEqualTo(worker);
                assertThat(t.get("status").asString()).isEqualTo("IN_PROGRESS");
                assertThat(t.get("workerId").asString()).isEqualTo("stream-worker");
            }
            client.send(Map.of("credit", 3));
            List<JsonNode> rest = client.tasks(3, SHORT);
            List<String> workflowsPushed = new ArrayList<>();
            first.forEach(t -> workflowsPushed.add(t.get("workflowInstanceId").asString()));
            rest.forEach(t -> workflowsPushed.add(t.get("workflowInstanceId").asString()));
            assertThat(workflowsPushed).containsExactlyInAnyOrderElementsOf(started.stream().map(UUID::toString)
                    .toList());

            for (JsonNode t : first) {
                client.send(Map.of("update", Map.of("workflowInstanceId", t.get("workflowInstanceId").asString(),
                        "taskId", t.get("taskId").asString(), "status", "COMPLETED",
                        "outputData", Map.of("by", "push"))));
                assertThat(client.next(SHORT).toString()).isEqualTo("{\"updated\":\"" + t.get("taskId").asString()
                        + "\"}");
                UUID id = UUID.fromString(t.get("workflowInstanceId").asString());
                assertThat(awaitStatus(id, WorkflowStatus.COMPLETED, SHORT).getOutput())
                        .isEqualTo(Map.of("by", "push"));
            }
            // a task pushed to this stream, while started after its credits ran out, waits for the next credit
            UUID late = start(flow, Map.of());
            assertThat(client.next(Duration.ofMillis(1_000))).isNull();
            client.send(Map.of("credit", 1));
            assertThat(client.tasks(1, SHORT).get(0).get("workflowInstanceId").asString())
                    .isEqualTo(late.toString());
        }
    }

    @Test
    void badMessagesAreAnsweredWithErrorsNamingTheField() throws Exception {
        String worker = unique("pushed_bad");
        oneTaskWorkflow(worker, "");
        try (Client client = connect(adminToken(), worker)) {
            client.sendRaw("not json");
            assertThat(client.next(SHORT).get("error").get("status").asInt()).isEqualTo(400);
            client.send(Map.of("credit", 0));
            assertThat(client.next(SHORT).get("error").get("field").asString()).isEqualTo("credit");
            client.send(Map.of("credit", 1_001));
            JsonNode tooMany = client.next(SHORT).get("error");
            assertThat(tooMany.get("field").asString()).isEqualTo("credit");
            assertThat(tooMany.get("reason").asString()).isEqualTo("at most 1000 may be outstanding; 0 are");
            client.send(Map.of("update", Map.of("workflowInstanceId", UUID.randomUUID().toString(),
                    "taskId", UUID.randomUUID().toString(), "status", "COMPLETED")));
            assertThat(client.next(SHORT).get("error").get("status").asInt()).isEqualTo(404);
            client.send(Map.of("hello", 1));
            assertThat(client.next(SHORT).get("error").get("reason").asString())
                    .isEqualTo("a message is {\"credit\":n} or {\"update\":{...}}");
        }
    }

    @Test
    void refusedStreamsSendTheWorkerBackToPollingAndUnsentTasksAreGivenBack() throws Exception {
        String worker = unique("fallback");
        String flow = oneTaskWorkflow(worker, "");
        String admin = adminToken();
        assertThat(refusal(admin, "/api/stream/tasks")).isEqualTo(400);
        assertThat(refusal(null, "/api/stream/tasks?taskType=" + worker)).isEqualTo(401);

        List<Client> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(connect(admin, worker));
            }
            assertThat(refusal(admin, "/api/stream/tasks?taskType=" + worker)).as("a fourth stream").isEqualTo(429);
        } finally {
            held.forEach(Client::close);
        }

        // a stream that closes while its poll waits: the task handed to it goes back to the queue, and a poll gets it
        Client closing = connect(admin, worker);
        closing.send(Map.of("credit", 1));
        Thread.sleep(300); // the stream's long poll is waiting now
        closing.close();
        UUID id = start(flow, Map.of());
        Task polled = tasks.poll(TENANT, worker, "poller", null, 1, Duration.ofSeconds(8)).get(0);
        assertThat(polled.getWorkflowInstanceId()).isEqualTo(id);
        assertThat(polled.getWorkerId()).isEqualTo("poller");
        complete(polled, Map.of());
        awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
    }

    @Test
    void aStreamForATaskTypeTheCallerMayNotWorkIsRefused() throws Exception {
        String worker = unique("not_yours");
        oneTaskWorkflow(worker, "");
        String other = token(adminKey(createTenant("push-" + UUID.randomUUID().toString().substring(0, 8))));
        Client elsewhere = connect(other, worker);
        elsewhere.send(Map.of("credit", 5));
        start(worker + "_wf", Map.of());
        assertThat(elsewhere.next(Duration.ofMillis(1_500))).as("another tenant's task").isNull();
        elsewhere.close();
        Task mine = poll(worker);
        assertThat(mine.getTaskDefName()).isEqualTo(worker);
        complete(mine, Map.of());
    }

    @Test
    void aStoppingNodeSendsItsStreamsElsewhere() throws Exception {
        String worker = unique("drained");
        oneTaskWorkflow(worker, "");
        String admin = adminToken();
        Client client = connect(admin, worker);
        client.send(Map.of("credit", 1));
        streams.stop();
        try {
            assertThat(client.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
            assertThat(refusal(admin, "/api/stream/tasks?taskType=" + worker)).isEqualTo(503);
        } finally {
            streams.start();
        }
        connect(admin, worker).close();
    }

    private int refusal(String token, String path) throws Exception {
        try {
            WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            b.buildAsync(URI.create("ws://localhost:" + port + path), new WebSocket.Listener() { })
                    .join().abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    private Client connect(String token, String taskType) {
        Client client = new Client();
        try {
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create("ws://localhost:" + port + "/api/stream/tasks?taskType=" + taskType
                            + "&workerid=stream-worker"), client).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                throw new AssertionError("handshake refused: " + h.getResponse().statusCode() + " "
                        + h.getResponse().headers().map() + " " + h.getResponse().body(), e);
            }
            throw e;
        }
        return client;
    }

    /** A worker's end of a stream: what it sends, and every message it received, in order. */
    private static final class Client implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        /** The close code the server sent, once it closed the stream. */
        final java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        WebSocket socket;

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(JSON.readTree(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void send(Map<String, Object> message) {
            sendRaw(JSON.writeValueAsString(message));
        }

        void sendRaw(String text) {
            socket.sendText(text, true).join();
        }

        JsonNode next(Duration within) throws InterruptedException {
            return received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        }

        List<JsonNode> tasks(int n, Duration within) throws InterruptedException {
            List<JsonNode> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                JsonNode m = next(within);
                assertThat(m).as("pushed task %d of %d", i + 1, n).isNotNull();
                assertThat(m.has("task")).as(m.toString()).isTrue();
                got.add(m.get("task"));
            }
            return got;
        }

        @Override
        public void close() {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            }
        }
    }
}
