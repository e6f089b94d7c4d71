package dev.baton.events.internal;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.Expressions;
import dev.baton.events.Broker;
import dev.baton.events.EventHandlerDef;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Handles the messages of every node's tenants: finds the tenants with messages due, claims a batch of each in the
 * tenant's own transaction, and for each message runs the actions of the active handlers of its event whose
 * condition holds, or publishes it to its broker. Each tenant is served on a thread of its own, at most one at a
 * time per tenant and a bounded number in all, so one tenant's slow conditions delay only its own messages.
 *
 * <p>An action's effect and the record of its execution commit together; a message claimed again (its node died,
 * or an action failed for a reason that may pass, like a database error or a full quota) repeats only the actions
 * not yet recorded. A refusal (no such workflow, no permission) is recorded as FAILED and not tried again.
 */
public final class EventProcessor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);

    /** How long a claim lasts, and so how soon a message whose handling failed for a passing reason is tried. */
    private static final Duration LEASE = Duration.ofSeconds(30);

    /** Most waiting tasks one message reaches. */
    static final int MAX_WAITS_PER_MESSAGE = 1000;

    private final JdbcClient jdbc;
    private final TenantTransactions tx;
    private final HandlerStore handlers;
    private final MessageStore messages;
    private final ActionRunner actions;
    private final WaitStore waits;
    private final dev.baton.engine.api.TaskService tasks;
    private final Expressions expressions;
    private final Map<String, Broker> brokers;
    private final Settings settings;
    private final Semaphore running;
    private final Set<TenantId> busy = ConcurrentHashMap.newKeySet();
    private final Object signal = new Object();
    private volatile boolean woken;
    private volatile boolean stopped;
    private Thread loop;
    private long lastPurge;

    /** How often to look for messages, how many to take per tenant, and how long handled ones are kept. */
    public record Settings(Duration sweepInterval, int batch, int tenantsAtOnce, int maxAttempts, Duration keep) {}

    public EventProcessor(JdbcClient jdbc, TenantTransactions tx, HandlerStore handlers, MessageStore messages,
            ActionRunner actions, WaitStore waits, dev.baton.engine.api.TaskService tasks, Expressions expressions,
            List<Broker> brokers, Settings settings) {
        this.waits = waits;
        this.tasks = tasks;
        this.jdbc = jdbc;
        this.tx = tx;
        this.handlers = handlers;
        this.messages = messages;
        this.actions = actions;
        this.expressions = expressions;
        this.brokers = new LinkedHashMap<>();
        brokers.forEach(b -> this.brokers.put(b.type(), b));
        this.settings = settings;
        this.running = new Semaphore(settings.tenantsAtOnce());
    }

    public void start() {
        loop = Thread.ofPlatform().name("event-processor").daemon().start(this::run);
    }

    /** Looks for messages now rather than at the next sweep (a message was just committed on this node). */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (!stopped) {
            try {
                sweep();
            } catch (RuntimeException e) {
                log.warn("event sweep failed; trying again", e);
            }
            synchronized (signal) {
                if (!woken && !stopped) {
                    try {
                        signal.wait(settings.sweepInterval().toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    private void sweep() {
        purgeNow();
        List<String> due = jdbc.sql("SELECT tenant_id FROM due_event_tenants(?)").param(settings.batch() * 4)
                .query(String.class).list();
        for (String id : due) {
            TenantId tenant = new TenantId(id);
            if (!busy.add(tenant)) {
                continue;
            }
            if (!running.tryAcquire()) {
                busy.remove(tenant);
                return;
            }
            Thread.ofVirtual().name("events-" + id).start(() -> {
                try {
                    serve(tenant);
                } catch (RuntimeException e) {
                    log.warn("handling events of tenant {} failed; trying again", id, e);
                } finally {
                    busy.remove(tenant);
                    running.release();
                }
            });
        }
    }

    private void purgeNow() {
        long now = System.nanoTime();
        if (now - lastPurge > TimeUnit.MINUTES.toNanos(1)) {
            lastPurge = now;
            jdbc.sql("SELECT purge_event_history(?::interval, 1000)").param(settings.keep().toSeconds() + " seconds")
                    .query(Integer.class).single();
            jdbc.sql("SELECT purge_event_waits(1000)").query(Integer.class).single();
        }
    }

    /** Handles a batch of the tenant's messages; another batch follows at once when this one was full. */
    private void serve(TenantId tenant) {
        List<MessageStore.Message> claimed;
        do {
            claimed = TenantTransactions.unmetered(() -> tx.write(tenant,
                    () -> messages.claim(settings.batch(), LEASE)));
            for (MessageStore.Message m : claimed) {
                handle(tenant, m);
            }
        } while (claimed.size() == settings.batch() && !stopped);
    }

    void handle(TenantId tenant, MessageStore.Message m) {
        String outcome;
        if (m.outgoing()) {
            outcome = publish(tenant, m);
        } else {
            outcome = runHandlers(tenant, m);
        }
        if (outcome != null) {
            tx.run(tenant, () -> messages.handled(m.id(), outcome));
        } else if (m.attempts() + 1 >= settings.maxAttempts()) {
            tx.run(tenant, () -> messages.handled(m.id(), "gave up after " + settings.maxAttempts() + " attempts"));
        }
    }

    private String publish(TenantId tenant, MessageStore.Message m) {
        int colon = m.event().indexOf(':');
        Broker broker = brokers.get(m.event().substring(0, colon));
        if (broker == null) {
            return "no broker of type '" + m.event().substring(0, colon) + "' is configured";
        }
        try {
            broker.publish(tenant, m.event().substring(colon + 1), m.payload());
            return "published";
        } catch (Exception e) {
            log.info("publishing event {} of tenant {} failed; it is tried again: {}", m.event(), tenant.value(),
                    e.toString());
            return null;
        }
    }

    /** Runs the handlers of a message; null when something failed for a reason that may pass. */
    private String runHandlers(TenantId tenant, MessageStore.Message m) {
        List<HandlerStore.Stored> active = tx.read(tenant, () -> handlers.forEvent(m.event(), true));
        boolean again = false;
        for (HandlerStore.Stored h : active) {
            EventHandlerDef def = h.def();
            if (def.condition() != null && !def.condition().isBlank()) {
                boolean holds;
                try {
                    holds = truthy(expressions.evaluate(tenant, def.condition(), m.payload(), "condition"));
                } catch (EngineException e) {
                    record(tenant, m, def, 0, null, "FAILED", Map.of("condition", def.condition(),
                            "exception", e.getMessage()));
                    continue;
                }
                if (!holds) {
                    record(tenant, m, def, 0, null, "SKIPPED", Map.of("condition", def.condition()));
                    continue;
                }
            }
            for (int i = 0; i < def.actions().size(); i++) {
                again |= !act(tenant, m, h, i);
            }
        }
        again |= !deliverToWaits(tenant, m);
        return again ? null : "handled";
    }

    /** Hands the message to the WAIT_FOR_EVENTS tasks waiting for it; false when that failed for a passing reason. */
    private boolean deliverToWaits(TenantId tenant, MessageStore.Message m) {
        List<WaitStore.Waiting> waiting = tx.read(tenant, () -> waits.waitingFor(m.event(), m.payload(),
                MAX_WAITS_PER_MESSAGE));
        boolean delivered = true;
        for (WaitStore.Waiting w : waiting) {
            try {
                tx.run(tenant, () -> {
                    Map<String, Object> received = waits.receive(w.taskId(), m.event(), m.payload());
                    if (received != null) {
                        tasks.updateByReferenceName(tenant, w.workflowId(), w.taskRef(),
                                dev.baton.engine.api.execution.TaskStatus.COMPLETED, Map.of("events", received),
                                "event:" + m.event());
                        waits.release(w.taskId());
                    }
                });
            } catch (EngineException ended) {
                // the task ended some other way (timed out, terminated): its wait goes
                tx.run(tenant, () -> waits.release(w.taskId()));
            } catch (RuntimeException e) {
                log.info("message {} could not reach task {}; it is tried again: {}", m.id(), w.taskId(),
                        e.toString());
                delivered = false;
            }
        }
        return delivered;
    }

    /** Runs one action unless it already ran; false when it failed for a reason that may pass. */
    private boolean act(TenantId tenant, MessageStore.Message m, HandlerStore.Stored h, int index) {
        EventHandlerDef def = h.def();
        EventHandlerDef.Action action = def.actions().get(index);
        try {
            tx.run(tenant, () -> {
                if (messages.record(tenant.value(), m.id(), def.name(), index, m.event(), action.action().name(),
                        "COMPLETED", Map.of())) {
                    Map<String, Object> output = actions.run(tenant, h.ownerTeam(), action, m.payload(), m.event(),
                            m.id());
                    messages.setOutput(m.id(), def.name(), index, output);
                }
            });
            return true;
        } catch (EngineException e) {
            record(tenant, m, def, index, action.action().name(), "FAILED", Map.of("exception", e.getMessage()));
            return true;
        } catch (RuntimeException e) {
            log.info("action {} of event handler {} failed for message {}; it is tried again: {}", index, def.name(),
                    m.id(), e.toString());
            return false;
        }
    }

    private void record(TenantId tenant, MessageStore.Message m, EventHandlerDef def, int index, String action,
            String status, Map<String, Object> output) {
        tx.run(tenant, () -> messages.record(tenant.value(), m.id(), def.name(), index, m.event(), action, status,
                output));
    }

    /** Conductor's reading of a condition's value: true, or a positive number. */
    static boolean truthy(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() > 0;
        }
        return false;
    }

    @Override
    public void close() {
        stopped = true;
        wake();
        if (loop != null) {
            try {
                loop.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
