package dev.baton.platform.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * The HTTP task against a real HTTP server on loopback (which the tests' outbound settings allow; every other private
 * range stays refused): success in both input shapes, a failing peer, timeouts, bad input, refused addresses, and
 * that slow calls hold up no other workflow.
 */
class HttpTaskIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(15);
    private static HttpServer peer;
    private static String base;
    private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    @BeforeAll
    static void startPeer() throws IOException {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        peer.createContext("/echo", ex -> {
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("method", ex.getRequestMethod());
            echo.put("query", ex.getRequestURI().getRawQuery());
            echo.put("custom", ex.getRequestHeaders().getFirst("X-Custom"));
            echo.put("contentType", ex.getRequestHeaders().getFirst("Content-Type"));
            echo.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(ex, 200, "application/json", JSON.writeValueAsString(echo));
        });
        peer.createContext("/status/", ex -> {
            String key = ex.getRequestURI().getQuery();
            hits.computeIfAbsent(key == null ? "" : key, k -> new AtomicInteger()).incrementAndGet();
            int code = Integer.parseInt(ex.getRequestURI().getPath().substring("/status/".length()));
            answer(ex, code, "text/plain", "the peer says no");
        });
        peer.createContext("/flaky", ex -> {
            int n = hits.computeIfAbsent(ex.getRequestURI().getQuery(), k -> new AtomicInteger()).incrementAndGet();
            answer(ex, n < 2 ? 503 : 200, "application/json", "{\"attempt\":" + n + "}");
        });
        peer.createContext("/slow", ex -> {
            sleep(Long.parseLong(ex.getRequestURI().getQuery()));
            answer(ex, 200, "application/json", "{\"slow\":true}");
        });
        peer.start();
        base = "http://127.0.0.1:" + peer.getAddress().getPort();
    }

    @AfterAll
    static void stopPeer() {
        peer.stop(0);
    }

    private static void answer(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.getResponseHeaders().add("X-Peer", "yes");
        try {
            ex.sendResponseHeaders(code, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (IOException gone) {
            // the caller gave up (a timeout or a cancelled task): nothing to answer
        } finally {
            ex.close();
        }
    }

    /** A one-task workflow whose HTTP task takes {@code inputJson} as its input parameters. */
    private String httpFlow(String inputJson, String extraTaskJson) {
        String name = unique("http");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"call","taskReferenceName":"call","type":"HTTP"%s,
                  "inputParameters":%s}],"outputParameters":{"response":"${call.output.response}"}}"""
                .formatted(name, extraTaskJson, inputJson));
        return name;
    }

    @Test
    void aGetWithQueryAndHeadersCompletesWithStatusHeadersAndTheParsedJsonBody() {
        String name = httpFlow("""
                {"uri":"%s/echo","method":"GET","query":{"q":"a b","n":"${workflow.input.n}"},
                 "headers":{"X-Custom":"${workflow.input.h}"}}""".formatted(base), "");
        Workflow w = awaitStatus(start(name, Map.of("n", 7, "h", "hello")), WorkflowStatus.COMPLETED, SHORT);
        Map<String, Object> response = response(w);
        assertThat(response.get("statusCode")).isEqualTo(200);
        assertThat(response.get("reasonPhrase")).isEqualTo("OK");
        assertThat(((Map<?, ?>) response.get("headers")).get("x-peer")).isEqualTo(List.of("yes"));
        Map<?, ?> echo = (Map<?, ?>) response.get("body");
        assertThat(echo.get("method")).isEqualTo("GET");
        assertThat(echo.get("custom")).isEqualTo("hello");
        assertThat(echo.get("body")).isEqualTo("");
        // stored inputs are jsonb, which keeps no key order, so neither do the query parameters
        assertThat(List.of(((String) echo.get("query")).split("&"))).containsExactlyInAnyOrder("q=a+b", "n=7");
    }

    @Test
    void conductorsHttpRequestShapeWithAJsonBodyRunsUnchanged() {
        String name = httpFlow("""
                {"http_request":{"uri":"%s/echo","method":"POST","body":{"order":"${workflow.input.order}"},
                  "connectionTimeOut":2000,"readTimeOut":2000}}""".formatted(base), "");
        Workflow w = awaitStatus(start(name, Map.of("order", 42)), WorkflowStatus.COMPLETED, SHORT);
        Map<?, ?> body = (Map<?, ?>) response(w).get("body");
        assertThat(body.get("method")).isEqualTo("POST");
        assertThat(body.get("contentType")).isEqualTo("application/json");
        assertThat(body.get("body")).isEqualTo("{\"order\":42}");
    }

    @Test
    void aFormBodyIsSentUrlEncoded() {
        String name = httpFlow("""
                {"uri":"%s/echo","method":"PUT","contentType":"application/x-www-form-urlencoded",
                 "body":{"a":"1 2","b":"x&y"}}""".formatted(base), "");
        Map<?, ?> body = (Map<?, ?>) response(awaitStatus(start(name, Map.of()), WorkflowStatus.COMPLETED, SHORT))
                .get("body");
        assertThat(body.get("body")).isEqualTo("a=1+2&b=x%26y");
    }

    @Test
    void aFailingPeerFailsTheTaskWithItsStatusAndIsRetriedByTheTaskDefinition() {
        String key = UUID.randomUUID().toString();
        String name = httpFlow("""
                {"uri":"%s/flaky?%s","method":"GET"}""".formatted(base, key),
                ",\"taskDefinition\":{\"name\":\"call\",\"retryCount\":2,\"retryDelaySeconds\":0}");
        Workflow w = awaitStatus(start(name, Map.of()), WorkflowStatus.COMPLETED, SHORT);
        List<Task> attempts = w.getTasks();
        assertThat(attempts).extracting(Task::getStatus).containsExactly(TaskStatus.FAILED, TaskStatus.COMPLETED);
        assertThat(attempts.get(0).getReasonForIncompletion()).startsWith("GET " + base + "/flaky?" + key
                + " answered 503");
        assertThat(response(w).get("body")).isEqualTo(Map.of("attempt", 2));
    }

    @Test
    void aStatusOutsideRetryOnStatusFailsTheTaskForGoodWithTheAnswerInItsOutput() {
        String key = UUID.randomUUID().toString();
        String name = httpFlow("""
                {"uri":"%s/status/404?%s","method":"GET","retryOnStatus":[503]}""".formatted(base, key),
                ",\"taskDefinition\":{\"name\":\"call\",\"retryCount\":3,\"retryDelaySeconds\":0}");
        Workflow w = awaitStatus(start(name, Map.of()), WorkflowStatus.FAILED, SHORT);
        Task call = taskByRef(w, "call");
        assertThat(w.getTasks()).hasSize(1);
        assertThat(call.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(call.getReasonForIncompletion()).isEqualTo("GET " + base + "/status/404?" + key
                + " answered 404: the peer says no");
        assertThat(((Map<?, ?>) call.getOutputData().get("response")).get("statusCode")).isEqualTo(404);
        assertThat(hits.get(key).get()).isEqualTo(1);
    }

    @Test
    void aPeerSlowerThanTheReadTimeoutFailsTheAttempt() {
        String name = httpFlow("""
                {"uri":"%s/slow?3000","method":"GET","readTimeOut":300}""".formatted(base), "");
        long began = System.nanoTime();
        Workflow w = awaitStatus(start(name, Map.of()), WorkflowStatus.FAILED, SHORT);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofMillis(2500));
        Task call = taskByRef(w, "call");
        assertThat(call.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(call.getReasonForIncompletion()).startsWith("cannot reach 127.0.0.1: ").contains("timed out");
    }

    @Test
    void aDefinitionWithoutMethodOrWithAnUnknownOneIsRefusedNamingTheField() {
        assertRefused(() -> httpFlow("{\"uri\":\"%s/echo\"}".formatted(base), ""),
                "[0].tasks[0].inputParameters.method", "is required");
        assertRefused(() -> httpFlow("{\"http_request\":{\"uri\":\"%s/echo\",\"method\":\"FETCH\"}}".formatted(base),
                ""), "[0].tasks[0].inputParameters.http_request.method", "must be one of");
        assertRefused(() -> httpFlow("{\"method\":\"GET\"}", ""), "[0].tasks[0].inputParameters.uri", "is required");
    }

    @Test
    void badInputAtRunTimeFailsTheTaskForGoodNamingTheField() {
        String name = httpFlow("""
                {"uri":"%s/echo","method":"${workflow.input.m}","readTimeOut":"${workflow.input.t}"}"""
                .formatted(base), "");
        Task badMethod = taskByRef(awaitStatus(start(name, Map.of("m", "FETCH", "t", 100)), WorkflowStatus.FAILED,
                SHORT), "call");
        assertThat(badMethod.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(badMethod.getReasonForIncompletion()).startsWith("input 'method' must be one of");
        Task badTimeout = taskByRef(awaitStatus(start(name, Map.of("m", "GET", "t", "soon")), WorkflowStatus.FAILED,
                SHORT), "call");
        assertThat(badTimeout.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(badTimeout.getReasonForIncompletion()).startsWith("input 'readTimeOut' has the wrong shape");
        Task headerInjection = taskByRef(awaitStatus(start(httpFlow("""
                {"uri":"%s/echo","method":"GET","headers":{"X-Custom":"${workflow.input.h}"}}""".formatted(base), ""),
                Map.of("h", "a\r\nX-Admin: true")), WorkflowStatus.FAILED, SHORT), "call");
        assertThat(headerInjection.getReasonForIncompletion())
                .isEqualTo("input 'headers.X-Custom' must not contain line breaks");
    }

    @Test
    void addressesInPrivateOrMetadataRangesAreRefusedAtRegistrationAndAtRunTime() {
        assertRefused(() -> httpFlow("{\"uri\":\"http://169.254.169.254/latest/meta-data\",\"method\":\"GET\"}", ""),
                "[0].tasks[0].inputParameters.uri", "link-local");
        String name = httpFlow("{\"uri\":\"${workflow.input.u}\",\"method\":\"GET\"}", "");
        for (String uri : List.of("http://10.0.0.1/", "http://169.254.169.254/", "file:///etc/passwd",
                "http://[::1]:" + peer.getAddress().getPort() + "/echo")) {
            Task call = taskByRef(awaitStatus(start(name, Map.of("u", uri)), WorkflowStatus.FAILED, SHORT), "call");
            assertThat(call.getStatus()).as(uri).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
            assertThat(call.getReasonForIncompletion()).as(uri).startsWith("input 'uri' ");
        }
    }

    @Test
    void slowCallsHoldUpNoOtherWorkflowsDecisions() {
        String slow = httpFlow("{\"uri\":\"%s/slow?4000\",\"method\":\"GET\",\"readTimeOut\":10000}".formatted(base),
                "");
        String quick = unique("quick");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"a","taskReferenceName":"a","type":"SET_VARIABLE","inputParameters":{"x":1}},
                  {"name":"b","taskReferenceName":"b","type":"INLINE",
                   "inputParameters":{"evaluatorType":"javascript","expression":"1 + 1"}}]}""".formatted(quick));
        List<UUID> slowOnes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            slowOnes.add(start(slow, Map.of()));
        }
        sleep(300); // the slow calls are out and waiting on the peer
        long began = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            awaitStatus(start(quick, Map.of()), WorkflowStatus.COMPLETED, SHORT);
        }
        Duration quickTen = Duration.ofNanos(System.nanoTime() - began);
        assertThat(quickTen).isLessThan(Duration.ofSeconds(2));
        assertThat(slowOnes).allSatisfy(id -> assertThat(taskByRef(workflow(id), "call").getStatus())
                .isEqualTo(TaskStatus.IN_PROGRESS));
        for (UUID id : slowOnes) {
            awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        }
    }

    @Test
    void terminatingAWorkflowCancelsItsCallAndALateAnswerChangesNothing() {
        String name = httpFlow("{\"uri\":\"%s/slow?1500\",\"method\":\"GET\",\"readTimeOut\":5000}".formatted(base),
                "");
        UUID id = start(name, Map.of());
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (taskByRef(workflow(id), "call").getStatus() != TaskStatus.IN_PROGRESS && System.nanoTime() < deadline) {
            sleep(20);
        }
        workflows.terminate(TENANT, id, "enough");
        sleep(2000);
        Workflow w = workflow(id);
        assertThat(w.getStatus()).isEqualTo(WorkflowStatus.TERMINATED);
        assertThat(taskByRef(w, "call").getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(taskByRef(w, "call").getOutputData()).doesNotContainKey("response");
    }

    @Test
    void aTenantsAllowListNarrowsTheHostsItsHttpTasksMayCall() throws Exception {
        dev.baton.tenancy.TenantId tenant = createTenant("h-" + UUID.randomUUID().toString().substring(0, 8));
        String admin = token(adminKey(tenant));
        String name = unique("listed");
        metadata.registerWorkflowDef(tenant, JSON.readValue("""
                {"name":"%s","version":1,"tasks":[{"name":"call","taskReferenceName":"call","type":"HTTP",
                  "inputParameters":{"uri":"%s/echo","method":"GET"}}]}""".formatted(name, base),
                dev.baton.engine.api.definition.WorkflowDef.class));
        HttpResponse<String> narrowed = call("PUT", "/api/settings/http-allow-list", admin,
                "{\"hosts\":[\"api.example.org\",\"*.partner.example\"]}");
        assertThat(narrowed.statusCode()).as(narrowed.body()).isEqualTo(200);
        UUID refused = workflows.start(tenant, dev.baton.engine.api.execution.StartWorkflowRequest.of(name, null,
                Map.of()));
        Task call = awaitInTenant(tenant, refused, WorkflowStatus.FAILED).getTasks().get(0);
        assertThat(call.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(call.getReasonForIncompletion()).isEqualTo("input 'uri' host '127.0.0.1' is not on this tenant's "
                + "HTTP allow list [api.example.org, *.partner.example]");
        assertThat(call("PUT", "/api/settings/http-allow-list", admin, "{\"hosts\":[\"127.0.0.1\"]}").statusCode())
                .isEqualTo(200);
        sleep(2100); // the list is cached for two seconds
        UUID allowed = workflows.start(tenant, dev.baton.engine.api.execution.StartWorkflowRequest.of(name, null,
                Map.of()));
        awaitInTenant(tenant, allowed, WorkflowStatus.COMPLETED);
        HttpResponse<String> bad = call("PUT", "/api/settings/http-allow-list", admin,
                "{\"hosts\":[\"ok.example\",\"http://x/\"]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("field").asString()).isEqualTo("hosts[1]");
        assertThat(call("GET", "/api/settings/http-allow-list", adminToken(), null).body())
                .as("each tenant has its own list").isEqualTo("{\"hosts\":[]}");
    }

    private Workflow awaitInTenant(dev.baton.tenancy.TenantId tenant, UUID id, WorkflowStatus status) {
        long deadline = System.nanoTime() + SHORT.toNanos();
        Workflow w = workflows.get(tenant, id, true);
        while (w.getStatus() != status && System.nanoTime() < deadline) {
            sleep(20);
            w = workflows.get(tenant, id, true);
        }
        assertThat(w.getStatus()).as(w.getReasonForIncompletion()).isEqualTo(status);
        return w;
    }

    @Test
    void workersCanNeitherPollNorUpdateHttpTasks() throws Exception {
        String admin = adminToken();
        HttpResponse<String> poll = call("GET", "/api/tasks/poll/HTTP", admin, null);
        assertThat(poll.statusCode()).isEqualTo(400);
        assertThat(poll.body()).contains("'HTTP' tasks run in the server");
        HttpResponse<String> sneaky = call("GET", "/api/tasks/poll/HTTP?domain=%23", admin, null);
        assertThat(sneaky.statusCode()).isEqualTo(400);
        String name = httpFlow("{\"uri\":\"%s/slow?1000\",\"method\":\"GET\"}".formatted(base), "");
        UUID id = start(name, Map.of());
        Task call = taskByRef(workflow(id), "call");
        HttpResponse<String> update = call("POST", "/api/tasks", admin, JSON.writeValueAsString(Map.of(
                "workflowInstanceId", id.toString(), "taskId", call.getTaskId().toString(), "status", "COMPLETED",
                "outputData", Map.of("forged", true))));
        assertThat(update.statusCode()).isEqualTo(409);
        assertThat(update.body()).contains("run by the server");
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(taskByRef(done, "call").getOutputData()).doesNotContainKey("forged");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> response(Workflow w) {
        return (Map<String, Object>) taskByRef(w, "call").getOutputData().get("response");
    }

    private static void assertRefused(ThrowingSupplier<?> registration, String field, String reason) {
        try {
            registration.get();
        } catch (EngineException e) {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(reason);
            return;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        throw new AssertionError("registration of a definition with a bad " + field + " was accepted");
    }
}
