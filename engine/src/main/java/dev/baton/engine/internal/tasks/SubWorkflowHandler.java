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
    public boolean decide(WorkflowContext run, Task task) {
        if (task.getStatus() != TaskStatus.SCHEDULED) {
            return false;
        }
        SubWorkflowParams params = task.getWorkflowTask().subWorkflowParam();
        WorkflowDef def;
        try {
            def = params.workflowDefinition() != null ? params.workflowDefinition()
                    : run.definition(params.name(), params.version());
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

    @Override
    public void cancel(WorkflowContext run, Task task) {
        if (task.getSubWorkflowId() != null) {
            run.terminateChild(task.getSubWorkflowId(), "parent " + task.getReasonForIncompletion());
        }
    }
}
