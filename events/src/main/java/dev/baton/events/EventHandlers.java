package dev.baton.events;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.Expressions;
import dev.baton.engine.api.Violation;
import dev.baton.events.EventHandlerDef.Action;
import dev.baton.events.internal.HandlerStore;
import dev.baton.events.internal.MessageStore;
import dev.baton.tenancy.ResourceNames;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's event handlers: registered, changed, listed and removed as Conductor's event API does, each checked
 * before it is kept (its event names a known source, its condition is JavaScript, each action names what it acts
 * on) and bounded (handlers per tenant and per event, actions per handler).
 */
public final class EventHandlers {

    /** The internal queue's type: events published by EVENT tasks with the sink {@code conductor}. */
    public static final String CONDUCTOR = "conductor";

    private static final Set<String> EVALUATORS = Set.of("javascript", "graaljs", "nashorn");

    private final TenantTransactions tx;
    private final HandlerStore store;
    private final MessageStore messages;
    private final Expressions expressions;
    private final Set<String> sourceTypes;
    private final Limits limits;

    /** How many handlers a tenant may keep, per event, and how many actions one may have. */
    public record Limits(int handlersPerTenant, int handlersPerEvent, int actionsPerHandler) {}

    public EventHandlers(TenantTransactions tx, HandlerStore store, MessageStore messages, Expressions expressions,
            Set<String> sourceTypes, Limits limits) {
        this.tx = tx;
        this.store = store;
        this.messages = messages;
        this.expressions = expressions;
        this.sourceTypes = sourceTypes;
        this.limits = limits;
    }

    /** The kinds of event source: the internal queue and each configured broker. */
    public Set<String> sourceTypes() {
        return sourceTypes;
    }

    /** Messages waiting to be handled, per event. */
    public java.util.Map<String, Long> waiting(TenantId tenant) {
        return tx.read(tenant, messages::waiting);
    }

    public List<EventHandlerDef> list(TenantId tenant) {
        return tx.read(tenant, () -> store.all().stream().map(HandlerStore.Stored::def).toList());
    }

    public List<EventHandlerDef> forEvent(TenantId tenant, String event, boolean activeOnly) {
        return tx.read(tenant, () -> store.forEvent(event, activeOnly).stream().map(HandlerStore.Stored::def)
                .toList());
    }

    public Optional<EventHandlerDef> find(TenantId tenant, String name) {
        return tx.read(tenant, () -> store.find(name).map(HandlerStore.Stored::def));
    }

    /** Registers a new handler owned by {@code ownerTeam} (none: the tenant's administrators); 409 if it exists. */
    public void add(TenantId tenant, EventHandlerDef def, String ownerTeam) {
        check(def);
        tx.run(tenant, () -> {
            if (store.count() >= limits.handlersPerTenant()) {
                throw EngineException.invalid("name", "a tenant may keep at most " + limits.handlersPerTenant()
                        + " event handlers");
            }
            perEvent(def.event(), 0);
            if (!store.insert(tenant.value(), def, ownerTeam)) {
                throw EngineException.conflict("an event handler named '" + def.name() + "' exists");
            }
        });
    }

    /** Replaces a handler's definition, keeping its owner; 404 if there is none of that name. */
    public void update(TenantId tenant, EventHandlerDef def) {
        check(def);
        tx.run(tenant, () -> {
            HandlerStore.Stored before = store.find(def.name()).orElseThrow(() -> missing(def.name()));
            perEvent(def.event(), before.def().event().equals(def.event()) ? 1 : 0);
            store.update(def);
        });
    }

    public void remove(TenantId tenant, String name) {
        tx.run(tenant, () -> {
            if (!store.delete(name)) {
                throw missing(name);
            }
        });
    }

    /** The team on whose behalf a handler's actions run, if it is owned by one. */
    public Optional<String> ownerTeam(TenantId tenant, String name) {
        return tx.read(tenant, () -> Optional.ofNullable(store.find(name).orElseThrow(() -> missing(name))
                .ownerTeam()));
    }

    private void perEvent(String event, int replacing) {
        if (store.countForEvent(event) - replacing >= limits.handlersPerEvent()) {
            throw EngineException.invalid("event", "at most " + limits.handlersPerEvent()
                    + " event handlers may handle one event");
        }
    }

    private static EngineException missing(String name) {
        return EngineException.notFound("no event handler named '" + name + "'");
    }

    /** Checks a definition, reporting every problem found with its field. */
    public void check(EventHandlerDef def) {
        if (def == null) {
            throw EngineException.invalid("", "an event handler is required");
        }
        List<Violation> problems = new ArrayList<>();
        if (!ResourceNames.valid(def.name())) {
            problems.add(new Violation("name", "the name " + ResourceNames.RULE));
        }
        String event = def.event();
        int colon = event == null ? -1 : event.indexOf(':');
        if (event == null || colon <= 0 || colon == event.length() - 1 || event.length() > 512) {
            problems.add(new Violation("event", "must be type:name, like conductor:workflow:task or amqp:orders "
                    + "(at most 512 characters)"));
        } else if (!sourceTypes.contains(event.substring(0, colon))) {
            problems.add(new Violation("event", "no event source of type '" + event.substring(0, colon)
                    + "' is configured; known: " + new java.util.TreeSet<>(sourceTypes)));
        } else if (!event.startsWith(CONDUCTOR + ":")
                && !Broker.DESTINATION.matcher(event.substring(colon + 1)).matches()) {
            problems.add(new Violation("event", "a broker's queue or subject is dot-separated words of letters, "
                    + "digits, '_' and '-', without wildcards, at most 200 characters"));
        }
        if (def.evaluatorType() != null && !EVALUATORS.contains(def.evaluatorType())) {
            problems.add(new Violation("evaluatorType", "must be javascript (or graaljs, nashorn: the same)"));
        }
        if (def.condition() != null && !def.condition().isBlank()) {
            if (def.condition().length() > 4096) {
                problems.add(new Violation("condition", "must be at most 4096 characters"));
            } else {
                try {
                    expressions.checkScript(def.condition(), "condition");
                } catch (EngineException e) {
                    problems.add(new Violation("condition", e.getMessage()));
                }
            }
        }
        if (def.actions() == null || def.actions().isEmpty()) {
            problems.add(new Violation("actions", "at least one action is required"));
        } else if (def.actions().size() > limits.actionsPerHandler()) {
            problems.add(new Violation("actions", "at most " + limits.actionsPerHandler() + " actions"));
        } else {
            for (int i = 0; i < def.actions().size(); i++) {
                checkAction(def.actions().get(i), "actions[" + i + "]", problems);
            }
        }
        if (!problems.isEmpty()) {
            throw EngineException.invalid(problems);
        }
    }

    private static void checkAction(Action a, String path, List<Violation> problems) {
        if (a == null || a.action() == null) {
            problems.add(new Violation(path + ".action", "must be one of start_workflow, complete_task, fail_task, "
                    + "terminate_workflow, update_workflow_variables"));
            return;
        }
        switch (a.action()) {
            case start_workflow -> {
                if (a.startWorkflow() == null || blank(a.startWorkflow().name())) {
                    problems.add(new Violation(path + ".start_workflow.name", "is required"));
                }
            }
            case complete_task, fail_task -> {
                EventHandlerDef.TaskDetails d = a.action() == EventHandlerDef.ActionType.complete_task
                        ? a.completeTask() : a.failTask();
                if (d == null || blank(d.taskId()) && (blank(d.workflowId()) || blank(d.taskRefName()))) {
                    problems.add(new Violation(path + "." + a.action().name(),
                            "needs taskId, or workflowId and taskRefName"));
                }
            }
            case terminate_workflow -> {
                if (a.terminateWorkflow() == null || blank(a.terminateWorkflow().workflowId())) {
                    problems.add(new Violation(path + ".terminate_workflow.workflowId", "is required"));
                }
            }
            case update_workflow_variables -> {
                if (a.updateWorkflowVariables() == null || blank(a.updateWorkflowVariables().workflowId())) {
                    problems.add(new Violation(path + ".update_workflow_variables.workflowId", "is required"));
                } else if (a.updateWorkflowVariables().variables() == null) {
                    problems.add(new Violation(path + ".update_workflow_variables.variables", "is required"));
                }
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
