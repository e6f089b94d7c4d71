package dev.baton.listeners;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.SecretValues;
import dev.baton.engine.api.Violation;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.events.Broker;
import dev.baton.listeners.internal.ListenerStore;
import dev.baton.tenancy.ResourceNames;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A tenant's status listeners and their deliveries: each listener checked before it is kept (known events, valid
 * workflow names, an address the outbound policy allows and a signing secret its team may use, or a broker sink of
 * a configured type) and bounded in number;
 * the dead letters of one listener listed and sent again.
 */
public final class StatusListeners {

    /** The status changes a listener may hear: every workflow and task status the engine has, sorted. */
    public static final SortedSet<String> EVENTS = Collections.unmodifiableSortedSet(Stream.concat(
            Arrays.stream(WorkflowStatus.values()).map(s -> "workflow." + s),
            Arrays.stream(TaskStatus.values()).map(s -> "task." + s)).collect(Collectors.toCollection(TreeSet::new)));
    private static final int MAX_URL_LENGTH = 2048;

    private final TenantTransactions tx;
    private final ListenerStore store;
    private final OutboundAddressPolicy addresses;
    private final SecretValues secrets;
    private final Set<String> sinkTypes;
    private final Limits limits;

    /** How many listeners a tenant may keep, workflows one may name, and deliveries one listing shows. */
    public record Limits(int listenersPerTenant, int workflowNamesPerListener, int deliveriesPerPage) {}

    /** @param sinkTypes the brokers a listener may publish to ({@code amqp}, {@code nats}): those configured */
    public StatusListeners(TenantTransactions tx, ListenerStore store, OutboundAddressPolicy addresses,
            SecretValues secrets, Set<String> sinkTypes, Limits limits) {
        this.tx = tx;
        this.store = store;
        this.addresses = addresses;
        this.secrets = secrets;
        this.sinkTypes = Set.copyOf(sinkTypes);
        this.limits = limits;
    }

    public List<StoredListener> list(TenantId tenant) {
        return tx.read(tenant, store::all);
    }

    public Optional<StoredListener> find(TenantId tenant, String name) {
        return tx.read(tenant, () -> store.find(name));
    }

    /** Keeps a new listener that hears for {@code ownerTeam} (null: every execution); 409 if the name is taken. */
    public StoredListener add(TenantId tenant, ListenerDef def, String ownerTeam, String actor) {
        check(tenant, def, ownerTeam);
        return tx.write(tenant, () -> {
            if (store.count() >= limits.listenersPerTenant()) {
                throw EngineException.invalid("name", "a tenant may keep at most " + limits.listenersPerTenant()
                        + " status listeners");
            }
            if (!store.insert(tenant.value(), normalized(def), ownerTeam, actor)) {
                throw EngineException.conflict("a status listener named '" + def.name() + "' exists");
            }
            return store.find(def.name()).orElseThrow();
        });
    }

    /** Replaces a listener's definition, keeping its team; 404 if there is none of that name. */
    public StoredListener update(TenantId tenant, ListenerDef def) {
        if (def == null) {
            throw EngineException.invalid("", "a status listener is required");
        }
        String team = ownerTeam(tenant, def.name()).orElse(null);
        check(tenant, def, team);
        return tx.write(tenant, () -> {
            if (!store.update(normalized(def))) {
                throw missing(def.name());
            }
            return store.find(def.name()).orElseThrow();
        });
    }

    /** Removes a listener with its deliveries, dead letters included. */
    public void remove(TenantId tenant, String name) {
        tx.run(tenant, () -> {
            if (!store.delete(name)) {
                throw missing(name);
            }
        });
    }

    /** The team a listener hears for, if any; 404 if there is no such listener. */
    public Optional<String> ownerTeam(TenantId tenant, String name) {
        return tx.read(tenant, () -> Optional.ofNullable(store.find(name).orElseThrow(() -> missing(name))
                .ownerTeam()));
    }

    /** A listener's deliveries, newest first, in one status or all; 404 if there is no such listener. */
    public List<Delivery> deliveries(TenantId tenant, String name, Delivery.Status status, int limit) {
        if (limit < 1 || limit > limits.deliveriesPerPage()) {
            throw EngineException.invalid("limit", "must be between 1 and " + limits.deliveriesPerPage());
        }
        return tx.read(tenant, () -> {
            store.find(name).orElseThrow(() -> missing(name));
            return store.deliveries(name, status, limit);
        });
    }

    /**
     * Sends a dead or delivered delivery again, from its first attempt; 404 if it is not one of the listener's,
     * 409 while it is still pending.
     */
    public Delivery redeliver(TenantId tenant, String name, UUID id) {
        return tx.write(tenant, () -> {
            Delivery d = store.delivery(name, id).orElseThrow(() -> EngineException.notFound(
                    "status listener '" + name + "' has no delivery " + id));
            if (d.status() == Delivery.Status.PENDING) {
                throw EngineException.conflict("delivery " + id + " is still pending (attempt " + d.attempts()
                        + " done); it is sent again by itself");
            }
            store.resend(id);
            return store.delivery(name, id).orElseThrow();
        });
    }

    /** Sends every dead letter of a listener again; how many. */
    public int redeliverDead(TenantId tenant, String name) {
        return tx.write(tenant, () -> {
            store.find(name).orElseThrow(() -> missing(name));
            return store.resendDead(name);
        });
    }

    /**
     * The installation's deliveries waiting and dead, and how long the oldest due one has waited past its time
     * (zero when none is due), for the node that reports installation-wide gauges.
     */
    public Backlog backlog(java.time.Instant now) {
        ListenerStore.Backlog b = store.backlog();
        return new Backlog(b.pending(), b.dead(), b.oldestDue() == null || b.oldestDue().isAfter(now)
                ? java.time.Duration.ZERO : java.time.Duration.between(b.oldestDue(), now));
    }

    /** Deliveries waiting to be sent, dead letters, and how late the oldest due one is. */
    public record Backlog(long pending, long dead, java.time.Duration late) {}

    /** Checks a definition for the team that will own it, reporting every problem found with its field. */
    void check(TenantId tenant, ListenerDef def, String ownerTeam) {
        if (def == null) {
            throw EngineException.invalid("", "a status listener is required");
        }
        List<Violation> problems = new ArrayList<>();
        if (!ResourceNames.valid(def.name())) {
            problems.add(new Violation("name", "the name " + ResourceNames.RULE));
        }
        if (def.events() == null || def.events().isEmpty()) {
            problems.add(new Violation("events", "name at least one of " + EVENTS));
        } else {
            for (int i = 0; i < def.events().size(); i++) {
                if (!EVENTS.contains(def.events().get(i))) {
                    problems.add(new Violation("events[" + i + "]", "is not a status change a listener can hear; "
                            + "known: " + EVENTS));
                }
            }
        }
        List<String> workflows = def.workflowNames() == null ? List.of() : def.workflowNames();
        if (workflows.size() > limits.workflowNamesPerListener()) {
            problems.add(new Violation("workflowNames", "a listener may name at most "
                    + limits.workflowNamesPerListener() + " workflows"));
        } else {
            for (int i = 0; i < workflows.size(); i++) {
                if (!ResourceNames.valid(workflows.get(i))) {
                    problems.add(new Violation("workflowNames[" + i + "]", "the name " + ResourceNames.RULE));
                }
            }
        }
        boolean webhook = def.url() != null;
        if (webhook == (def.sink() != null)) {
            problems.add(new Violation("url", "give either url (a webhook) or sink (a broker, like nats:orders.status)"
                    + ", not " + (webhook ? "both" : "neither")));
        } else if (webhook) {
            checkWebhook(def, problems);
        } else {
            checkSink(def, problems);
        }
        if (!problems.isEmpty()) {
            throw EngineException.invalid(problems);
        }
        if (webhook) {
            try {
                secrets.resolve(tenant, ownerTeam, Set.of(def.signingSecret()));
            } catch (EngineException e) {
                throw EngineException.invalid("signingSecret", e.getMessage());
            }
        }
    }

    private void checkWebhook(ListenerDef def, List<Violation> problems) {
        if (def.url().length() > MAX_URL_LENGTH) {
            problems.add(new Violation("url", "must be at most " + MAX_URL_LENGTH + " characters"));
        } else {
            try {
                addresses.checkWithoutResolving(def.url());
            } catch (OutboundAddressPolicy.RefusedAddressException e) {
                problems.add(new Violation("url", e.getMessage()));
            }
        }
        if (!ResourceNames.valid(def.signingSecret())) {
            problems.add(new Violation("signingSecret", "name the vault secret deliveries are signed with; the "
                    + "name " + ResourceNames.RULE));
        }
    }

    private void checkSink(ListenerDef def, List<Violation> problems) {
        int colon = def.sink().indexOf(':');
        String type = colon < 0 ? "" : def.sink().substring(0, colon);
        if (!sinkTypes.contains(type)) {
            problems.add(new Violation("sink", "must be type:destination with a configured broker type "
                    + new TreeSet<>(sinkTypes) + ", not '" + def.sink() + "'"));
        } else if (!Broker.DESTINATION.matcher(def.sink().substring(colon + 1)).matches()) {
            problems.add(new Violation("sink", "the destination may use only dot-separated words of letters, digits,"
                    + " '_' and '-' (no wildcards), at most 200 characters"));
        }
        if (def.signingSecret() != null) {
            problems.add(new Violation("signingSecret", "a broker sink's deliveries are not signed; leave it out"));
        }
    }

    private static ListenerDef normalized(ListenerDef def) {
        return new ListenerDef(def.name(), List.copyOf(new LinkedHashSet<>(def.events())),
                def.workflowNames() == null ? List.of() : List.copyOf(new LinkedHashSet<>(def.workflowNames())),
                def.url(), def.sink(), def.signingSecret(), def.isEnabled());
    }

    private static EngineException missing(String name) {
        return EngineException.notFound("no status listener named '" + name + "'");
    }
}
