package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.EngineException;
import dev.baton.events.EventHandlerDef;
import dev.baton.events.EventHandlers;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Conductor's event handler API. A handler is owned by a team, like a definition, and its actions run on that
 * team's behalf: a workflow it starts must be one the team may run, checked here for names written out and again
 * when the action runs.
 */
@RestController
@RequestMapping("/api/event")
public class EventResource {

    private final EventHandlers handlers;
    private final CurrentTenant tenant;
    private final Guard guard;
    private final TeamCompositionPolicy composition;
    private final TenantTransactions tx;

    public EventResource(EventHandlers handlers, CurrentTenant tenant, Guard guard,
            TeamCompositionPolicy composition, TenantTransactions tx) {
        this.handlers = handlers;
        this.tenant = tenant;
        this.guard = guard;
        // registration reads ownership afresh: a grant just given must count
        this.composition = composition.fresh();
        this.tx = tx;
    }

    @PostMapping
    void add(@RequestBody EventHandlerDef def, @RequestParam(required = false) String team) {
        handlers.check(def);
        TenantId t = tenant.get();
        if (handlers.find(t, def.name()).isPresent()) {
            throw EngineException.conflict("an event handler named '" + def.name() + "' exists");
        }
        String owner = guard.beforeWriting(ResourceType.EVENT_HANDLER, def.name(), false, team).orElseThrow();
        requireStartable(t, owner, def);
        tx.run(t, () -> {
            handlers.add(t, def, owner);
            guard.claim(ResourceType.EVENT_HANDLER, def.name(), owner);
        });
    }

    @PutMapping
    void update(@RequestBody EventHandlerDef def) {
        handlers.check(def);
        TenantId t = tenant.get();
        Optional<String> owner = handlers.ownerTeam(t, def.name());
        guard.require(Permission.CHANGE_DEFINITION, ResourceType.EVENT_HANDLER, def.name());
        owner.ifPresent(team -> requireStartable(t, team, def));
        handlers.update(t, def);
    }

    @DeleteMapping("/{name}")
    void remove(@PathVariable String name) {
        TenantId t = tenant.get();
        handlers.ownerTeam(t, name);
        guard.require(Permission.CHANGE_DEFINITION, ResourceType.EVENT_HANDLER, name);
        tx.run(t, () -> {
            handlers.remove(t, name);
            guard.release(ResourceType.EVENT_HANDLER, name);
        });
    }

    @GetMapping
    List<EventHandlerDef> list() {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.EVENT_HANDLER);
        return handlers.list(tenant.get()).stream().filter(h -> readable.test(h.name())).toList();
    }

    /** The handlers of one event ({@code activeOnly} unless told otherwise, as in Conductor). */
    @GetMapping("/{event}")
    List<EventHandlerDef> forEvent(@PathVariable String event,
            @RequestParam(defaultValue = "true") boolean activeOnly) {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.EVENT_HANDLER);
        return handlers.forEvent(tenant.get(), event, activeOnly).stream().filter(h -> readable.test(h.name()))
                .toList();
    }

    /** The events the caller's readable handlers listen to; with {@code verbose}, the messages waiting for each. */
    @GetMapping("/queues")
    public Map<String, Object> queues(@RequestParam(defaultValue = "false") boolean verbose) {
        Map<String, Long> waiting = handlers.waiting(tenant.get());
        Map<String, Object> queues = new java.util.TreeMap<>();
        for (EventHandlerDef h : list()) {
            queues.put(h.event(), verbose ? waiting.getOrDefault(h.event(), 0L) : h.event());
        }
        return queues;
    }

    /** The kinds of event source and sink this installation has. */
    @GetMapping("/queues/providers")
    List<String> providers() {
        return List.copyOf(handlers.sourceTypes());
    }

    /** Every workflow a start_workflow action names outright must be one the owning team may run (else 403). */
    private void requireStartable(TenantId t, String team, EventHandlerDef def) {
        for (int i = 0; i < def.actions().size(); i++) {
            EventHandlerDef.Action a = def.actions().get(i);
            if (a.action() == EventHandlerDef.ActionType.start_workflow && !a.startWorkflow().name().contains("${")) {
                String at = "actions[" + i + "].start_workflow";
                composition.refuseStart(t, team, a.startWorkflow().name(), false).ifPresent(reason -> {
                    throw new AccessDeniedException("missing permission: " + at + ": " + reason);
                });
            }
        }
    }
}
