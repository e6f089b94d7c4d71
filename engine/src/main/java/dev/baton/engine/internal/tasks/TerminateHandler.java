package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** TERMINATE: ends the workflow at once, COMPLETED, FAILED or TERMINATED, with the output it is given. */
public final class TerminateHandler implements TaskHandler {

    private static final Set<String> STATUSES = Set.of("COMPLETED", "FAILED", "TERMINATED");

    @Override
    public String type() {
        return TaskType.TERMINATE;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        Object status = task.inputParameters().get("terminationStatus");
        check.require(status == null || STATUSES.contains(String.valueOf(status)),
                check.path() + ".inputParameters.terminationStatus", "must be COMPLETED, FAILED or TERMINATED");
    }

    @Override
    public boolean decide(WorkflowContext run, Task t) {
        String status = String.valueOf(t.getInputData().getOrDefault("terminationStatus", "COMPLETED"));
        Object reason = t.getInputData().get("terminationReason");
        Map<String, Object> output = new LinkedHashMap<>();
        if (t.getInputData().get("workflowOutput") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> output.put(String.valueOf(k), v));
        }
        run.complete(t, output);
        t.setExecuted(true);
        switch (status) {
            case "FAILED" -> run.failWorkflow(t,
                    reason == null ? "terminated by task '" + t.getReferenceTaskName() + "'" : String.valueOf(reason));
            case "TERMINATED" -> run.terminateWorkflow(reason == null ? null : String.valueOf(reason), output);
            default -> {
                run.workflow().setReasonForIncompletion(reason == null ? null : String.valueOf(reason));
                run.completeWorkflow(output);
            }
        }
        return true;
    }
}
