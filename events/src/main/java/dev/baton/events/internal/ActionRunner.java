package dev.baton.events.internal;

import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.Expressions;
import dev.baton.engine.api.TaskService;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.events.EventHandlerDef;
import dev.baton.events.EventHandlerDef.Action;
import dev.baton.tenancy.QuotaExceededException;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.Tenants;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one action of an event handler for one message, on behalf of the handler's owning team: a workflow it
 * starts or acts on must be one that team may run (the same check as a SUB_WORKFLOW's), and a start counts against
 * the tenant's running-workflows quota. Refusals throw EngineException, which fails the execution for good.
 */
public final class ActionRunner {

    private final WorkflowService workflows;
    private final TaskService tasks;
    private final Expressions expressions;
    private final CompositionPolicy composition;
    private final Tenants tenants;
    private final JsonMapper json;

    public ActionRunner(WorkflowService workflows, TaskService tasks, Expressions expressions,
            CompositionPolicy composition, Tenants tenants, JsonMapper json) {
        this.workflows = workflows;
        this.tasks = tasks;
        this.expressions = expressions;
        this.composition = composition;
        this.tenants = tenants;
        this.json = json;
    }

    /** Runs {@code action} for the message {@code messageId} of {@code event}; answers the execution's output. */
    public Map<String, Object> run(TenantId tenant, String team, Action action, Map<String, Object> payload,
            String event, UUID messageId) {
        Object document = action.expandInlineJSON() ? expand(payload) : payload;
        return switch (action.action()) {
            case start_workflow -> start(tenant, team, action.startWorkflow(), document, event, messageId);
            case complete_task -> update(tenant, team, action.completeTask(), TaskStatus.COMPLETED, document, event,
                    messageId);
            case fail_task -> update(tenant, team, action.failTask(), TaskStatus.FAILED, document, event, messageId);
            case terminate_workflow -> terminate(tenant, team, action.terminateWorkflow(), document);
            case update_workflow_variables -> variables(tenant, team, action.updateWorkflowVariables(), document);
        };
    }

    private Map<String, Object> start(TenantId tenant, String team, EventHandlerDef.StartWorkflow params,
            Object document, String event, UUID messageId) {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("name", params.name());
        template.put("correlationId", params.correlationId());
        template.put("input", params.input() == null ? Map.of() : params.input());
        Map<String, Object> resolved = expressions.resolve(template, document);
        Map<String, Object> input = new LinkedHashMap<>(map(resolved.get("input")));
        input.put("conductor.event.messageId", messageId.toString());
        input.put("conductor.event.name", event);
        Integer max = tenants.find(tenant).map(t -> t.quotas().maxRunningWorkflows()).orElse(null);
        if (max != null && tenants.runningWorkflows(tenant) >= max) {
            throw new QuotaExceededException("maxRunningWorkflows", max, "the tenant may have at most " + max
                    + " running workflows at once");
        }
        String name = text(resolved.get("name"));
        if (team != null) {
            // the name may come from the message: the team's right to run it is checked for each start
            composition.refuseStart(tenant, team, name, false).ifPresent(reason -> {
                throw EngineException.invalid("start_workflow.name", reason);
            });
        }
        UUID id = workflows.start(tenant, new StartWorkflowRequest(name, params.version(),
                text(resolved.get("correlationId")), input, params.taskToDomain(), null, null,
                "event:" + event, null, null), team);
        return Map.of("workflowId", id.toString());
    }

    private Map<String, Object> update(TenantId tenant, String team, EventHandlerDef.TaskDetails details,
            TaskStatus status, Object document, String event, UUID messageId) {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("workflowId", details.workflowId());
        template.put("taskId", details.taskId());
        template.put("taskRefName", details.taskRefName());
        if (details.output() != null) {
            template.putAll(details.output());
        }
        Map<String, Object> replaced = expressions.resolve(template, document);
        String taskId = text(replaced.get("taskId"));
        UUID workflowId;
        String ref;
        if (taskId != null && !taskId.isBlank()) {
            Task task = tasks.get(tenant, uuid(taskId, "taskId"));
            workflowId = task.getWorkflowInstanceId();
            ref = task.getReferenceTaskName();
        } else {
            workflowId = uuid(text(replaced.get("workflowId")), "workflowId");
            ref = text(replaced.get("taskRefName"));
        }
        operable(tenant, team, workflowId);
        Map<String, Object> output = new LinkedHashMap<>(replaced);
        output.put("conductor.event.messageId", messageId.toString());
        output.put("conductor.event.name", event);
        tasks.updateByReferenceName(tenant, workflowId, ref, status, output, "event:" + event);
        return replaced;
    }

    private Map<String, Object> terminate(TenantId tenant, String team, EventHandlerDef.TerminateWorkflow params,
            Object document) {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("workflowId", params.workflowId());
        template.put("terminationReason", params.terminationReason());
        Map<String, Object> resolved = expressions.resolve(template, document);
        UUID id = uuid(text(resolved.get("workflowId")), "workflowId");
        operable(tenant, team, id);
        workflows.terminate(tenant, id, text(resolved.get("terminationReason")));
        return Map.of("workflowId", id.toString());
    }

    private Map<String, Object> variables(TenantId tenant, String team,
            EventHandlerDef.UpdateWorkflowVariables params, Object document) {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("workflowId", params.workflowId());
        template.put("variables", params.variables());
        Map<String, Object> resolved = expressions.resolve(template, document);
        UUID id = uuid(text(resolved.get("workflowId")), "workflowId");
        operable(tenant, team, id);
        workflows.updateVariables(tenant, id, map(resolved.get("variables")),
                Boolean.TRUE.equals(params.appendArray()));
        return Map.of("workflowId", id.toString());
    }

    /** The owning team must be allowed to run the workflow it acts on; a handler owned by no team may. */
    private void operable(TenantId tenant, String team, UUID workflowId) {
        Workflow w = workflows.get(tenant, workflowId, false);
        if (team != null) {
            composition.refuseStart(tenant, team, w.getWorkflowName(), false).ifPresent(reason -> {
                throw EngineException.invalid("workflowId", reason);
            });
        }
    }

    private static UUID uuid(String value, String field) {
        try {
            return UUID.fromString(value);
        } catch (RuntimeException e) {
            throw EngineException.invalid(field, "'" + value + "' is not an id");
        }
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw EngineException.invalid("variables", "must be an object");
    }

    /** Conductor's expandInlineJSON: string values that hold a JSON object or list are read as JSON. */
    private Object expand(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), expand(v)));
            return out;
        }
        if (value instanceof java.util.List<?> l) {
            return l.stream().map(this::expand).toList();
        }
        if (value instanceof String s) {
            String t = s.trim();
            if (t.startsWith("{") && t.endsWith("}") || t.startsWith("[") && t.endsWith("]")) {
                try {
                    return expand(json.readValue(t, Object.class));
                } catch (RuntimeException notJson) {
                    return s;
                }
            }
        }
        return value;
    }
}
