package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.script.ScriptEvaluator;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SWITCH (and its legacy form DECISION): picks the case to run from an input value or a script. */
public final class SwitchHandler implements TaskHandler {

    private final ScriptEvaluator scripts;

    public SwitchHandler(ScriptEvaluator scripts) {
        this.scripts = scripts;
    }

    @Override
    public String type() {
        return TaskType.SWITCH;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public Set<String> aliases() {
        return Set.of(TaskType.DECISION);
    }

    @Override
    public ChildFlow childFlow() {
        return ChildFlow.CONTINUE_AFTER;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String path = check.path();
        if (TaskType.DECISION.equals(task.type())) {
            check.require(task.caseValueParam() != null || task.caseExpression() != null, path + ".caseValueParam",
                    "a DECISION needs caseValueParam or caseExpression");
            if (task.caseExpression() != null) {
                check.script(task.caseExpression(), path + ".caseExpression");
            }
        } else {
            String evaluator = task.evaluatorType() == null ? "value-param" : task.evaluatorType();
            check.require("value-param".equals(evaluator) || InlineHandler.SCRIPT_EVALUATORS.contains(evaluator),
                    path + ".evaluatorType", "must be value-param or javascript, not '" + evaluator + "'");
            check.require(task.expression() != null && !task.expression().isBlank(), path + ".expression",
                    "is required");
            if ("value-param".equals(evaluator)) {
                check.require(task.inputParameters().containsKey(task.expression()), path + ".expression",
                        "value-param expression '" + task.expression() + "' must name an input parameter");
            } else {
                check.script(task.expression(), path + ".expression");
            }
        }
        List<List<WorkflowTask>> cases = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        task.decisionCases().forEach((value, tasks) -> {
            cases.add(tasks);
            fields.add(path + ".decisionCases." + value);
        });
        cases.add(task.defaultCase());
        fields.add(path + ".defaultCase");
        check.branches(cases, fields);
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        String selected;
        try {
            selected = caseValue(run, task.getWorkflowTask(), task.getInputData());
        } catch (ScriptEvaluator.ScriptException e) {
            run.fail(task, TaskStatus.FAILED, "cannot evaluate the switch: " + e.getMessage());
            return true;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        String shown = selected == null ? "null" : selected;
        if (TaskType.DECISION.equals(task.getWorkflowTask().type())) {
            // Conductor's DECISION shows its case as input "case" and output "caseOutput"
            task.getInputData().put("case", shown);
            out.put("caseOutput", List.of(shown));
        } else {
            out.put("evaluationResult", List.of(shown));
        }
        out.put("selectedCase", selected);
        run.complete(task, out);
        return true;
    }

    private String caseValue(WorkflowContext run, WorkflowTask wt, Map<String, Object> input) {
        Object value;
        if (TaskType.DECISION.equals(wt.type())) {
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

    /** The tasks of the case the switch selected; an empty case goes on after the switch. */
    @Override
    public List<WorkflowTask> next(Task done) {
        WorkflowTask wt = done.getWorkflowTask();
        Object selected = done.getOutputData().get("selectedCase");
        List<WorkflowTask> branch = selected == null ? null : wt.decisionCases().get(String.valueOf(selected));
        return branch != null ? branch : wt.defaultCase();
    }
}
