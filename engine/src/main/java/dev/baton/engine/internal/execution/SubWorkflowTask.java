package dev.baton.engine.internal.execution;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.definition.SubWorkflowParams;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;

/** SUB_WORKFLOW: starts a child workflow and ends when the child ends, with the child's output. */
final class SubWorkflowTask implements SystemTask {

    private final WorkflowLauncher launcher;

    SubWorkflowTask(WorkflowLauncher launcher) {
        this.launcher = launcher;
    }

    @Override
    public boolean execute(WorkflowRun run, Task task) {
        if (task.getStatus() != TaskStatus.SCHEDULED) {
            return false;
        }
        SubWorkflowParams params = task.getWorkflowTask().subWorkflowParam();
        WorkflowDef def;
        try {
            def = params.workflowDefinition() != null ? params.workflowDefinition()
                    : launcher.definition(params.name(), params.version());
        } catch (EngineException e) {
            TaskScheduler.fail(run, task, TaskStatus.FAILED, e.getMessage());
            return true;
        }
        task.setStarted(run.now);
        task.setFirstStarted(run.now);
        Workflow child;
        try {
            child = launcher.startChild(run, task, def, new LinkedHashMap<>(task.getInputData()));
        } catch (EngineException e) {
            TaskScheduler.fail(run, task, TaskStatus.FAILED, "cannot start the sub workflow: " + e.getMessage());
            return true;
        }
        task.setSubWorkflowId(child.getWorkflowId());
        task.getOutputData().put("subWorkflowId", child.getWorkflowId().toString());
        task.setStatus(TaskStatus.IN_PROGRESS);
        if (child.getStatus().isTerminal()) {
            childEnded(run, task, child);
        }
        run.changed(task);
        return true;
    }

    /** Ends the parent's task the way its child ended. */
    static void childEnded(WorkflowRun run, Task task, Workflow child) {
        Map<String, Object> out = new LinkedHashMap<>(child.getOutput());
        out.put("subWorkflowId", child.getWorkflowId().toString());
        if (child.getStatus().isSuccessful()) {
            TaskScheduler.complete(run, task, out);
        } else {
            task.getOutputData().putAll(out);
            TaskScheduler.fail(run, task, TaskStatus.FAILED, "sub workflow " + child.getWorkflowId() + " ended "
                    + child.getStatus() + (child.getReasonForIncompletion() == null ? ""
                    : ": " + child.getReasonForIncompletion()));
        }
    }
}
