package dev.baton.platform.push;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.authz.audit.AuditEntry;
import dev.baton.authz.audit.AuditTrail;
import dev.baton.authz.token.CallerAuthentication;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.TaskService;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskResult;
import dev.baton.platform.web.ApiErrors;
import dev.baton.platform.web.Guard;
import dev.baton.tenancy.RequestRates;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.Tenants;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Push delivery: a worker holds one WebSocket ({@code /api/stream/tasks?taskType=..&workerid=..&domain=..}) over
 * which the tasks of its types are pushed as they are queued, never more than the credits it granted
 * ({@code {"credit":n}}); it reports results over the same socket ({@code {"update":{...TaskResult}}}, answered
 * {@code {"updated":taskId}} or {@code {"error":{...}}}). Tasks are taken by the same long poll as the REST API's, so
 * a task is pushed exactly once, handed over at commit to a waiting stream like to a waiting poll.
 *
 * <p>Bounds: streams per tenant on this node, task types per stream, credits outstanding, message size; every
 * update counts against the tenant's request rate like a REST call; a stream closes when its token expires.
 */
public final class TaskStreams extends TextWebSocketHandler implements HandshakeInterceptor, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TaskStreams.class);
    static final String STREAM = TaskStreams.class.getName() + ".stream";
    public static final String STREAM_PATH = "/api/stream/tasks";
    /** Most task types one stream takes. */
    static final int MAX_TYPES = 20;
    /** Most credits a stream may have outstanding: what it was granted and has not yet been pushed. */
    static final int MAX_CREDITS = 1_000;
    /** Most tasks one poll of a stream takes. */
    private static final int BATCH = 100;
    /** Close code for a stream whose token expired: the worker connects again with a new one. */
    static final CloseStatus TOKEN_EXPIRED = new CloseStatus(4401, "token expired");
    private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,255}");

    private final TaskService tasks;
    private final Guard guard;
    private final Tenants tenants;
    private final RequestRates rates;
    private final JsonMapper json;
    private final int streamsPerTenant;
    private final Duration longPoll;
    private final Map<TenantId, AtomicInteger> open = new ConcurrentHashMap<>();
    private final AuditTrail audit;
    private final java.util.Set<Stream> streams = ConcurrentHashMap.newKeySet();
    /** Set while the node stops: new streams are refused, open ones told to go to another node. */
    private volatile boolean draining;

    public TaskStreams(TaskService tasks, Guard guard, Tenants tenants, RequestRates rates, JsonMapper json,
            AuditTrail audit, int streamsPerTenant, Duration longPoll) {
        this.audit = audit;
        this.tasks = tasks;
        this.guard = guard;
        this.tenants = tenants;
        this.rates = rates;
        this.json = json;
        this.streamsPerTenant = streamsPerTenant;
        this.longPoll = longPoll;
    }

    // ---- the handshake: checked on the request's thread, with the caller's token -------------------------------

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
            WebSocketHandler handler, Map<String, Object> attributes) {
        if (!(SecurityContextHolder.getContext().getAuthentication() instanceof CallerAuthentication caller)) {
            response.setStatusCode(HttpStatus.UNAUTHORIZED);
            return false;
        }
        var query = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams();
        List<String> types = query.getOrDefault("taskType", List.of()).stream().distinct().toList();
        String workerId = query.getFirst("workerid");
        String domain = query.getFirst("domain");
        String refusal = types.isEmpty() || types.size() > MAX_TYPES
                ? "taskType: give 1 to " + MAX_TYPES + " task types"
                : workerId != null && !WORKER_ID.matcher(workerId).matches()
                        ? "workerid: 1 to 255 letters, digits or ._:@-" : null;
        if (refusal != null) {
            return refuse(response, HttpStatus.BAD_REQUEST, refusal);
        }
        try {
            types.forEach(t -> guard.require(Permission.WORK_TASKS, ResourceType.TASK_DEF, t));
        } catch (AccessDeniedException e) {
            return refuse(response, HttpStatus.FORBIDDEN, e.getMessage());
        }
        TenantId tenant = caller.caller().tenant();
        if (draining) {
            return refuse(response, HttpStatus.SERVICE_UNAVAILABLE, "this node is stopping; connect to another");
        }
        if (open(tenant) >= streamsPerTenant) {
            // the worker falls back to polling, or tries again later
            return refuse(response, HttpStatus.TOO_MANY_REQUESTS, "the tenant holds " + streamsPerTenant
                    + " task streams on this node already (baton.push.streams-per-tenant); poll instead");
        }
        String address = request.getRemoteAddress() == null ? null
                : request.getRemoteAddress().getAddress().getHostAddress();
        attributes.put(STREAM, new Stream(caller, tenant, types, workerId, domain, address));
        return true;
    }

    private static boolean refuse(ServerHttpResponse response, HttpStatus status, String reason) {
        response.setStatusCode(status);
        response.getHeaders().set("Baton-Refusal", reason.replaceAll("[\\r\\n]", " "));
        return false;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Exception exception) {
    }

    // ---- the stream ---------------------------------------------------------------------------------------

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        Stream stream = (Stream) session.getAttributes().get(STREAM);
        stream.session = new ConcurrentWebSocketSessionDecorator(session, 5_000, 4 * 1024 * 1024);
        // counted before anything may close it: its closing takes it off again
        streams.add(stream);
        int held = open.computeIfAbsent(stream.tenant, t -> new AtomicInteger()).incrementAndGet();
        if (draining) {
            // the node began to stop between the handshake and now
            goAway(stream);
            return;
        }
        if (held > streamsPerTenant) {
            // two handshakes passed the check at once: the later stream goes
            try {
                session.close(CloseStatus.POLICY_VIOLATION.withReason("too many task streams; poll instead"));
            } catch (IOException e) {
                log.debug("closing a stream over the limit: {}", e.getMessage());
            }
            return;
        }
        Thread.ofVirtual().name("task-stream-" + stream.tenant.value()).start(() -> pump(stream));
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
        Stream stream = (Stream) session.getAttributes().get(STREAM);
        if (expired(stream)) {
            return;
        }
        JsonNode m;
        try {
            m = json.readTree(message.getPayload());
        } catch (RuntimeException e) {
            stream.send(json, error(null, 400, null, "not JSON: " + e.getMessage()));
            return;
        }
        if (m.has("credit")) {
            credit(stream, m.get("credit"));
        } else if (m.has("update")) {
            update(stream, m.get("update"), message.getPayloadLength());
        } else {
            stream.send(json, error(null, 400, null, "a message is {\"credit\":n} or {\"update\":{...}}"));
        }
    }

    private void credit(Stream stream, JsonNode n) throws IOException {
        if (!n.isInt() || n.asInt() < 1) {
            stream.send(json, error(null, 400, "credit", "must be a whole number of at least 1"));
            return;
        }
        synchronized (stream) {
            long total = (long) stream.credits + n.asInt();
            if (total > MAX_CREDITS) {
                stream.send(json, error(null, 400, "credit", "at most " + MAX_CREDITS + " may be outstanding; "
                        + stream.credits + " are"));
                return;
            }
            stream.credits = (int) total;
            stream.notifyAll();
        }
    }

    private void update(Stream stream, JsonNode body, int length) throws IOException {
        var quotas = tenants.find(stream.tenant).map(t -> t.quotas()).orElse(null);
        Integer rate = quotas == null ? null : quotas.maxRequestsPerSecond();
        String taskId = body.path("taskId").asString(null);
        if (quotas != null && quotas.maxPayloadBytes() != null && length > quotas.maxPayloadBytes()) {
            stream.send(json, error(taskId, 413, "update", "the update is " + length + " bytes; the tenant's "
                    + "maxPayloadBytes is " + quotas.maxPayloadBytes()));
            return;
        }
        if (rate != null && !rates.tryAcquire(stream.tenant, rate)) {
            stream.send(json, error(taskId, 429, null, "the tenant makes more than its maxRequestsPerSecond ("
                    + rate + "); send the update again in a moment"));
            return;
        }
        try {
            TaskResult result = json.treeToValue(body, TaskResult.class);
            asCaller(stream, () -> tasks.update(stream.tenant, result,
                    t -> guard.require(Permission.WORK_TASKS, ResourceType.TASK_DEF, t.getTaskDefName())));
            audited(stream, 200);
            stream.send(json, Map.of("updated", taskId == null ? "" : taskId));
        } catch (EngineException e) {
            int status = ApiErrors.statusOf(e.kind()).value();
            audited(stream, status);
            stream.send(json, error(taskId, status, e.field(), e.getMessage()));
        } catch (AccessDeniedException e) {
            audited(stream, 403);
            stream.send(json, error(taskId, 403, null, e.getMessage()));
        } catch (RuntimeException e) {
            if (e.getClass().getName().startsWith("tools.jackson")) {
                stream.send(json, error(taskId, 400, "update", "not a task result: " + e.getMessage()));
            } else {
                log.warn("task stream update of {} failed", stream.tenant.value(), e);
                stream.send(json, error(taskId, 500, null, "the update failed; send it again"));
            }
        }
    }

    /** Records an update sent over a stream in the audit trail, as a REST update ({@code POST /api/tasks}) is. */
    private void audited(Stream stream, int status) {
        var c = stream.caller.caller();
        try {
            audit.record(new AuditEntry(c.tenant(), UUID.randomUUID(), Instant.now(), c.subject(), c.name(),
                    c.kind().name(), c.teams().size() == 1 ? c.teams().keySet().iterator().next() : null,
                    "UPDATE " + STREAM_PATH, STREAM_PATH, AuditEntry.Outcome.ofStatus(status), status, stream.id,
                    stream.address));
        } catch (RuntimeException e) {
            log.error("AUDIT ENTRY LOST: task stream update of {} answered {}", c.tenant().value(), status, e);
        }
    }

    /** Pushes tasks while the stream has credits: the same long poll as the REST API's, one type after another. */
    private void pump(Stream stream) {
        int next = 0;
        while (stream.session.isOpen() && !stream.closed.get() && !expired(stream)) {
            int room;
            synchronized (stream) {
                if (stream.credits == 0) {
                    try {
                        stream.wait(1_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    continue;
                }
                room = Math.min(stream.credits, BATCH);
            }
            String type = stream.types.get(next++ % stream.types.size());
            // one type waits the whole long poll; several share it, so that none waits behind another for long
            Duration wait = stream.types.size() == 1 ? longPoll : longPoll.dividedBy(stream.types.size() * 4L);
            List<Task> got;
            long polled = System.nanoTime();
            try {
                got = asCaller(stream, () -> tasks.poll(stream.tenant, type, stream.workerId, stream.domain, room,
                        wait));
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                log.debug("task stream poll of {} failed: {}", type, e.getMessage());
                sleep(Duration.ofMillis(500));
                continue;
            }
            synchronized (stream) {
                stream.credits -= got.size();
            }
            if (got.isEmpty() && draining) {
                return;
            }
            if (got.isEmpty() && System.nanoTime() - polled < wait.toNanos() / 2) {
                // the poll came back early and empty (it did not park): wait a little rather than spin
                sleep(Duration.ofMillis(200));
            }
            for (int i = 0; i < got.size(); i++) {
                if (!stream.session.isOpen()) {
                    giveBack(stream, got.subList(i, got.size()));
                    return;
                }
                try {
                    stream.send(json, Map.of("task", got.get(i)));
                } catch (IOException | RuntimeException e) {
                    log.debug("task stream of {} closed while pushing: {}", stream.tenant.value(), e.getMessage());
                    giveBack(stream, got.subList(i, got.size()));
                    return;
                }
            }
        }
    }

    /** Puts tasks taken for a stream that closed back in their queue, visible again a second later. */
    private void giveBack(Stream stream, List<Task> unsent) {
        for (Task t : unsent) {
            try {
                tasks.update(stream.tenant, new TaskResult(t.getWorkflowInstanceId().toString(),
                        t.getTaskId().toString(), null, 1L, t.getWorkerId(), TaskResult.Status.IN_PROGRESS, Map.of(),
                        null, null, null), task -> { });
            } catch (RuntimeException e) {
                // it comes back after its response timeout, as a task whose worker died does
                log.debug("task {} could not be given back: {}", t.getTaskId(), e.getMessage());
            }
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Stream stream = (Stream) session.getAttributes().get(STREAM);
        if (stream != null && stream.closed.compareAndSet(false, true)) {
            streams.remove(stream);
            open.get(stream.tenant).decrementAndGet();
            synchronized (stream) {
                stream.notifyAll(); // a pump waiting for credits sees the stream closed; one in a poll, after it
            }
        }
    }

    /** Closes a stream whose token has expired; true when it did. */
    private static boolean expired(Stream stream) {
        Instant expires = stream.caller.token() == null ? null : stream.caller.token().getExpiresAt();
        if (expires == null || Instant.now().isBefore(expires)) {
            return false;
        }
        try {
            stream.session.close(TOKEN_EXPIRED);
        } catch (IOException e) {
            log.debug("closing an expired task stream: {}", e.getMessage());
        }
        return true;
    }

    private static <T> T asCaller(Stream stream, java.util.function.Supplier<T> work) {
        var previous = SecurityContextHolder.getContext();
        SecurityContextHolder.setContext(new SecurityContextImpl(stream.caller));
        try {
            return work.get();
        } finally {
            SecurityContextHolder.setContext(previous);
        }
    }

    private static Map<String, Object> error(String taskId, int status, String field, String reason) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("status", status);
        if (taskId != null) {
            e.put("taskId", taskId);
        }
        if (field != null) {
            e.put("field", field);
        }
        e.put("reason", reason);
        return Map.of("error", e);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Nothing to start: streams open as workers connect. */
    @Override
    public void start() {
        draining = false;
    }

    /**
     * When the node stops (before the web server's graceful shutdown): refuses new streams and closes open ones
     * with 1001 (going away), so their workers connect to another node; the long polls return as the node drains.
     */
    @Override
    public void stop() {
        draining = true;
        streams.forEach(TaskStreams::goAway);
    }

    private static void goAway(Stream stream) {
        try {
            stream.session.close(CloseStatus.GOING_AWAY.withReason("this node is stopping; connect to another"));
        } catch (IOException | RuntimeException e) {
            log.debug("closing a task stream as the node stops: {}", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return !draining;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /** The number of open streams of {@code tenant} on this node. */
    int open(TenantId tenant) {
        AtomicInteger n = open.get(tenant);
        return n == null ? 0 : n.get();
    }

    /** One worker's stream: who it is, what it takes, and how many more tasks it can take. */
    static final class Stream {
        final CallerAuthentication caller;
        final TenantId tenant;
        final List<String> types;
        final String workerId;
        final String domain;
        final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        volatile WebSocketSession session;
        int credits;

        /** The stream's id, the request id of every audit entry it writes. */
        final String id = UUID.randomUUID().toString();
        final String address;

        Stream(CallerAuthentication caller, TenantId tenant, List<String> types, String workerId, String domain,
                String address) {
            this.address = address;
            this.caller = caller;
            this.tenant = tenant;
            this.types = types;
            this.workerId = workerId;
            this.domain = domain;
        }

        void send(JsonMapper json, Object message) throws IOException {
            session.sendMessage(new TextMessage(json.writeValueAsString(message)));
        }
    }
}
