package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.EngineException;
import dev.baton.listeners.Delivery;
import dev.baton.listeners.ListenerDef;
import dev.baton.listeners.StatusListeners;
import dev.baton.listeners.StoredListener;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Status listeners: a team's subscriptions to the status changes of its executions, delivered as signed webhooks
 * or to a broker sink,
 * and their deliveries with the dead letters. A listener is owned by a team like a definition (authors change it);
 * its deliveries are read like the team's executions, and sent again by its operators.
 */
@RestController
@RequestMapping("/api/listeners")
public class ListenerResource {

    private final StatusListeners listeners;
    private final CurrentTenant tenant;
    private final Guard guard;
    private final TenantTransactions tx;

    public ListenerResource(StatusListeners listeners, CurrentTenant tenant, Guard guard, TenantTransactions tx) {
        this.listeners = listeners;
        this.tenant = tenant;
        this.guard = guard;
        this.tx = tx;
    }

    /** A listener as the API shows it. */
    public record ListenerView(String name, List<String> events, List<String> workflowNames, String url,
            String sink, String signingSecret, boolean enabled, String ownerTeam, String createdBy, Instant createdAt,
            Instant updatedAt) {
        static ListenerView of(StoredListener s) {
            ListenerDef d = s.definition();
            return new ListenerView(d.name(), d.events(), d.workflowNames(), d.url(), d.sink(), d.signingSecret(),
                    d.isEnabled(), s.ownerTeam(), s.createdBy(), s.createdAt(), s.updatedAt());
        }
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ListenerView add(@RequestBody ListenerDef def, @RequestParam(required = false) String team) {
        if (def == null || def.name() == null) {
            throw EngineException.invalid("name", "a status listener needs a name");
        }
        TenantId t = tenant.get();
        if (listeners.find(t, def.name()).isPresent()) {
            throw EngineException.conflict("a status listener named '" + def.name() + "' exists");
        }
        String owner = guard.beforeWriting(ResourceType.LISTENER, def.name(), false, team).orElseThrow();
        return tx.write(t, () -> {
            StoredListener added = listeners.add(t, def, owner, tenant.caller().subject());
            guard.claim(ResourceType.LISTENER, def.name(), owner);
            return ListenerView.of(added);
        });
    }

    @PutMapping("/{name}")
    ListenerView update(@PathVariable String name, @RequestBody ListenerDef def) {
        if (def == null || !name.equals(def.name())) {
            throw EngineException.invalid("name", "must be the name in the path, '" + name + "'");
        }
        TenantId t = tenant.get();
        listeners.ownerTeam(t, name);
        guard.require(Permission.CHANGE_DEFINITION, ResourceType.LISTENER, name);
        return ListenerView.of(listeners.update(t, def));
    }

    @DeleteMapping("/{name}")
    void remove(@PathVariable String name) {
        TenantId t = tenant.get();
        listeners.ownerTeam(t, name);
        guard.require(Permission.CHANGE_DEFINITION, ResourceType.LISTENER, name);
        tx.run(t, () -> {
            listeners.remove(t, name);
            guard.release(ResourceType.LISTENER, name);
        });
    }

    @GetMapping
    List<ListenerView> list() {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.LISTENER);
        return listeners.list(tenant.get()).stream().filter(l -> readable.test(l.definition().name()))
                .map(ListenerView::of).toList();
    }

    @GetMapping("/{name}")
    ListenerView get(@PathVariable String name) {
        TenantId t = tenant.get();
        listeners.ownerTeam(t, name);
        guard.require(Permission.READ_DEFINITION, ResourceType.LISTENER, name);
        return ListenerView.of(listeners.find(t, name).orElseThrow());
    }

    /** A listener's deliveries, newest first: all, or those of one status ({@code DEAD}: the dead letters). */
    @GetMapping("/{name}/deliveries")
    List<Delivery> deliveries(@PathVariable String name, @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "50") int limit) {
        TenantId t = tenant.get();
        listeners.ownerTeam(t, name);
        guard.require(Permission.READ_EXECUTIONS, ResourceType.LISTENER, name);
        return listeners.deliveries(t, name, status(status), limit);
    }

    /** Sends one delivery again, from its first attempt. */
    @PostMapping("/{name}/deliveries/{id}/redeliver")
    Delivery redeliver(@PathVariable String name, @PathVariable UUID id) {
        TenantId t = tenant.get();
        listeners.ownerTeam(t, name);
        guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.LISTENER, name);
        return listeners.redeliver(t, name, id);
    }

    /** Sends every dead letter of a listener again. */
    @PostMapping("/{name}/deliveries/redeliver-dead")
    Map<String, Integer> redeliverDead(@PathVariable String name) {
        TenantId t = tenant.get();
        listeners.ownerTeam(t, name);
        guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.LISTENER, name);
        return Map.of("redelivered", listeners.redeliverDead(t, name));
    }

    private static Delivery.Status status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Delivery.Status.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("status", "must be one of PENDING, DELIVERED, DEAD, not '" + value + "'");
        }
    }
}
