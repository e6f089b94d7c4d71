package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.WorkflowStart;
import dev.baton.engine.api.definition.SubWorkflowParams;
import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * SUB_WORKFLOW: starts a child workflow; the engine ends the task when the child ends, with the child's output.
 */
public final class SubWorkflowHandler implements TaskHandler {

    @Override
    public String type() {
        return TaskType.SUB_WORKFLOW;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        SubWorkflowParams params = task.subWorkflowParam();
        check.require(params != null && (params.name() != null || params.workflowDefinition() != null),
                check.path() + ".subWorkflowParam", "a SUB_WORKFLOW task needs subWorkflowParam.name");
    }

    @Override
    public List<WorkflowStart> workflowsStarted(WorkflowTask task) {
        SubWorkflowParams params = task.subWorkflowParam();
        if (params == null) {
            return List.of();
        }
        return List.of(params.workflowDefinition() != null
                ? new WorkflowStart(params.workflowDefinition().name(), params.workflowDefinition())
                : new WorkflowStart(params.name(), null));
    }

    @Override
    public boolean retriedByTaskDefinition() {
        return true;
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        if (task.getStatus() != TaskStatus.SCHEDULED) {
            return false;
        }
        SubWorkflowParams params = task.getWorkflowTask().subWorkflowParam();
        WorkflowDef def;
        try {
            def = params.workflowDefinition() != null ? params.workflowDefinition()
                    : run.definition(name(run, params), version(run, params));
        } catch (EngineException e) {
            run.fail(task, TaskStatus.FAILED, e.getMessage());
            return true;
        }
        try {
            run.startChild(task, def, new LinkedHashMap<>(task.getInputData()));
        } catch (EngineException e) {
            run.fail(task, TaskStatus.FAILED, "cannot start the sub workflow: " + e.getMessage());
        }
        return true;
    }

    /** The name, resolved when it is an expression. */
    private static String name(WorkflowContext run, SubWorkflowParams params) {
        if (params.name() == null || !params.name().contains("${")) {
            return params.name();
        }
        Object name = run.resolve(params.name());
        if (!(name instanceof String s) || s.isBlank()) {
            throw EngineException.invalid("subWorkflowParam.name", params.name() + " gives no workflow name");
        }
        return s;
    }

    /** The version, resolved when it is an expression; null (the latest) when none is given. */
    private static Integer version(WorkflowContext run, SubWorkflowParams params) {
        if (params.version() == null || params.versionNumber() != null) {
            return params.versionNumber();
        }
        Object v = run.resolve(params.version());
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.valueOf(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw EngineException.invalid("subWorkflowParam.version", params.version() + " gives '" + v
                    + "', not a version number");
        }
    }

    @Override
    public void cancel(WorkflowContext run, Task task) {
        if (task.getSubWorkflowId() != null) {
            run.terminateChild(task.getSubWorkflowId(), "parent " + task.getReasonForIncompletion());
        }
    }
}
