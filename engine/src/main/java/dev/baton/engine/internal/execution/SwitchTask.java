package dev.baton.engine.internal.execution;

import static dev.baton.engine.api.definition.TaskType.DECISION;

import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.script.ScriptEvaluator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SWITCH (and its legacy form DECISION): picks the case to run from an input value or a script. */
final class SwitchTask implements SystemTask {

    private final ScriptEvaluator scripts;

    SwitchTask(ScriptEvaluator scripts) {
        this.scripts = scripts;
    }

    @Override
    public boolean execute(WorkflowRun run, Task task) {
        WorkflowTask wt = task.getWorkflowTask();
        String selected;
        try {
            selected = caseValue(run, wt, task.getInputData());
        } catch (ScriptEvaluator.ScriptException e) {
            TaskScheduler.fail(run, task, TaskStatus.FAILED, "cannot evaluate the switch: " + e.getMessage());
            return true;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("evaluationResult", List.of(selected == null ? "null" : selected));
        out.put("selectedCase", selected);
        TaskScheduler.complete(run, task, out);
        return true;
    }

    private String caseValue(WorkflowRun run, WorkflowTask wt, Map<String, Object> input) {
        Object value;
        if (DECISION.equals(wt.type())) {
            value = wt.caseValueParam() != null ? input.get(wt.caseValueParam())
                    : scripts.evaluate(run.tenant(), wt.caseExpression(), input);
        } else if (wt.evaluatorType() == null || "value-param".equals(wt.evaluatorType())) {
            value = input.get(wt.expression());
        } else {
            value = scripts.evaluate(run.tenant(), wt.expression(), input);
        }
        if (value instanceof Double d && d == Math.rint(d)) {
            return String.valueOf(d.longValue());
        }
        return value == null ? null : String.valueOf(value);
    }

    /** The tasks of the case a completed switch selected. */
    static List<WorkflowTask> selectedBranch(Task task) {
        WorkflowTask wt = task.getWorkflowTask();
        Object selected = task.getOutputData().get("selectedCase");
        List<WorkflowTask> branch = selected == null ? null : wt.decisionCases().get(String.valueOf(selected));
        return branch != null ? branch : wt.defaultCase();
    }
}
