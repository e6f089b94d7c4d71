package dev.baton.listeners.internal;

import dev.baton.engine.api.SecretValues;
import dev.baton.events.Broker;
import dev.baton.listeners.Delivery;
import dev.baton.listeners.DeliveryObserver;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends due deliveries on every node. A sweep claims the oldest due ones (SKIP LOCKED, with a lease: a node that
 * dies mid-send leaves them to be claimed again when the lease runs out), a few per tenant and none of a tenant
 * whose earlier sends are still under way, so one tenant's slow receiver holds only its own deliveries. Each is
 * signed and POSTed through the outbound-address policy on a virtual thread (or published to its broker sink); a 2xx
 * answer (or the broker's acceptance) delivers it, anything else
 * waits twice as long as the time before (from {@code firstRetry} up to {@code longestRetry}) until the last attempt,
 * which leaves a dead letter.
 */
public final class DeliveryDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryDispatcher.class);
    private static final int MAX_ERROR_LENGTH = 500;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /**
     * @param interval how often due deliveries are looked for
     * @param maxInFlight most sends under way on this node
     * @param perTenant most sends of one tenant claimed at once
     * @param lease how long a claimed delivery is this node's (longer than a send can take)
     * @param maxAttempts attempts before a delivery is dead
     * @param firstRetry the wait after the first failed attempt, doubled after each further one
     * @param longestRetry the longest wait between attempts
     * @param readTimeout how long a receiver may take to answer
     * @param keep how long delivered deliveries stay listed
     */
    public record Settings(Duration interval, int maxInFlight, int perTenant, Duration lease, int maxAttempts,
            Duration firstRetry, Duration longestRetry, Duration readTimeout, Duration keep, Duration keepDead,
            int deadPerListener) {}

    /** Rows one purge statement removes; a purge repeats it while it removes that many, for at most a few seconds. */
    private static final int PURGE_BATCH = 5_000;
    private static final long PURGE_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(5);

    private record Claimed(TenantId tenant, UUID id, String listener, String event, String payload, int attempt,
            String url, String sink, String signingSecret, String ownerTeam) {}

    private final JdbcClient jdbc;
    private final TenantTransactions tx;
    private final ListenerStore store;
    private final OutboundAddressPolicy outbound;
    private final SecretValues secrets;
    private final Clock clock;
    private final Settings settings;
    private final Map<String, Broker> brokers;
    private final DeliveryObserver observer;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("listener-deliveries").daemon().factory());
    private final ExecutorService senders = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("listener-send-", 0).factory());
    private long lastPurge;

    /** {@code outbound} has connections of its own, closed with the dispatcher; {@code brokers} by type. */
    public DeliveryDispatcher(JdbcClient jdbc, TenantTransactions tx, ListenerStore store,
            OutboundAddressPolicy outbound, SecretValues secrets, Map<String, Broker> brokers,
            DeliveryObserver observer, Clock clock, Settings settings) {
        this.brokers = Map.copyOf(brokers);
        this.observer = observer;
        this.jdbc = jdbc;
        this.tx = tx;
        this.store = store;
        this.outbound = outbound;
        this.secrets = secrets;
        this.clock = clock;
        this.settings = settings;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::sweep, settings.interval().toMillis(), settings.interval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void sweep() {
        try {
            purge();
            int room = settings.maxInFlight() - total.get();
            if (room <= 0) {
                return;
            }
            String[] busy = inFlight.entrySet().stream().filter(e -> e.getValue().get() > 0).map(Map.Entry::getKey)
                    .toArray(String[]::new);
            List<Claimed> claimed = jdbc.sql("""
                    SELECT tenant_id, id, listener_name, event, payload, attempts, url, sink, signing_secret,
                           owner_team
                      FROM claim_listener_deliveries(?, ?, ?, ?::interval)""")
                    .params(room, settings.perTenant(), busy, settings.lease().toSeconds() + " seconds")
                    .query((rs, i) -> new Claimed(new TenantId(rs.getString(1)), rs.getObject(2, UUID.class),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6), rs.getString(7),
                            rs.getString(8), rs.getString(9), rs.getString(10)))
                    .list();
            for (Claimed c : claimed) {
                inFlight.computeIfAbsent(c.tenant().value(), t -> new AtomicInteger()).incrementAndGet();
                total.incrementAndGet();
                senders.execute(() -> {
                    try {
                        send(c);
                    } finally {
                        inFlight.get(c.tenant().value()).decrementAndGet();
                        total.decrementAndGet();
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn("status listener sweep failed; trying again: {}", e.toString());
        }
    }

    private void send(Claimed c) {
        Integer answered = null;
        String error;
        try {
            if (c.sink() != null) {
                publish(c);
                finish(c, Delivery.Status.DELIVERED, null, null, null);
                return;
            }
            String secret = secrets.resolve(c.tenant(), c.ownerTeam(), Set.of(c.signingSecret()))
                    .get(c.signingSecret());
            if (secret == null || secret.isEmpty()) {
                throw new IllegalStateException("the signing secret '" + c.signingSecret() + "' is empty");
            }
            byte[] body = body(c).getBytes(StandardCharsets.UTF_8);
            long timestamp = clock.instant().getEpochSecond();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("User-Agent", "Baton-Listeners/1");
            headers.put("Baton-Delivery", c.id().toString());
            headers.put("Baton-Event", c.event());
            headers.put("Baton-Timestamp", Long.toString(timestamp));
            headers.put("Baton-Signature", WebhookSignature.sign(secret, timestamp, body));
            OutboundAddressPolicy.Response response = outbound.exchange(new OutboundAddressPolicy.Request("POST",
                    c.url(), headers, body, settings.readTimeout()));
            answered = response.status();
            if (answered >= 200 && answered < 300) {
                finish(c, Delivery.Status.DELIVERED, answered, null, null);
                return;
            }
            error = "answered " + answered + (response.reason() == null ? "" : " " + response.reason());
        } catch (RuntimeException e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (error.length() > MAX_ERROR_LENGTH) {
            error = error.substring(0, MAX_ERROR_LENGTH);
        }
        if (c.attempt() >= settings.maxAttempts()) {
            finish(c, Delivery.Status.DEAD, answered, error, null);
        } else {
            finish(c, Delivery.Status.PENDING, answered, error, clock.instant().plus(retryAfter(c.attempt())));
        }
    }

    /** Publishes the delivery's body to its broker sink, in the tenant's namespace there. */
    private void publish(Claimed c) {
        int colon = c.sink().indexOf(':');
        Broker broker = brokers.get(c.sink().substring(0, colon));
        if (broker == null) {
            throw new IllegalStateException("no broker of type '" + c.sink().substring(0, colon) + "' is configured");
        }
        try {
            broker.publish(c.tenant(), c.sink().substring(colon + 1), JSON.readValue(body(c), MAP));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the broker refused: " + e.getMessage(), e);
        }
    }

    /** The wait after failed attempt {@code attempt} (1 for the first): doubling from the first retry's. */
    Duration retryAfter(int attempt) {
        Duration wait = settings.firstRetry();
        for (int i = 1; i < attempt && wait.compareTo(settings.longestRetry()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.longestRetry()) > 0 ? settings.longestRetry() : wait;
    }

    private void finish(Claimed c, Delivery.Status status, Integer answered, String error, Instant next) {
        try {
            boolean recorded = tx.write(c.tenant(), () -> store.finish(c.id(), c.attempt(), status, answered, error,
                    next));
            if (recorded) {
                observer.finished(c.tenant(), switch (status) {
                    case DELIVERED -> DeliveryObserver.Outcome.DELIVERED;
                    case PENDING -> DeliveryObserver.Outcome.RETRIED;
                    case DEAD -> DeliveryObserver.Outcome.DEAD;
                });
            }
        } catch (RuntimeException e) {
            // the lease runs out and the delivery is claimed again: at least once, never lost
            log.warn("could not record delivery {} of tenant {}: {}", c.id(), c.tenant().value(), e.toString());
        }
    }

    /** The body: the change as the trigger noted it, with the delivery's id and its listener first. */
    private static String body(Claimed c) {
        String rest = c.payload().substring(1).strip();
        return "{\"id\":\"" + c.id() + "\",\"listener\":\"" + c.listener() + "\""
                + (rest.equals("}") ? "}" : "," + rest);
    }

    /**
     * Once a minute: forgets delivered deliveries past {@code keep}, and dead letters past {@code keepDead} or beyond
     * the newest {@code deadPerListener} of a listener. Each repeats while it finds a full batch (a busy installation
     * notes far more than one batch a minute), within a time budget.
     */
    private void purge() {
        long now = System.nanoTime();
        if (now - lastPurge <= TimeUnit.MINUTES.toNanos(1)) {
            return;
        }
        lastPurge = now;
        long deadline = now + PURGE_BUDGET_NANOS;
        inBatches(deadline, "SELECT purge_listener_deliveries(?::interval, ?)",
                settings.keep().toSeconds() + " seconds", PURGE_BATCH);
        inBatches(deadline, "SELECT purge_dead_listener_deliveries(?::interval, ?, ?)",
                settings.keepDead().toSeconds() + " seconds", settings.deadPerListener(), PURGE_BATCH);
    }

    /** Runs a purge function again while it removes a full batch, until {@code deadline}. */
    private void inBatches(long deadline, String sql, Object... params) {
        while (jdbc.sql(sql).params(params).query(Integer.class).single() >= PURGE_BATCH
                && System.nanoTime() < deadline) {
            // another batch
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        senders.shutdownNow();
        try {
            outbound.close();
        } catch (java.io.IOException e) {
            log.debug("closing the deliveries' connections: {}", e.toString());
        }
    }
}
