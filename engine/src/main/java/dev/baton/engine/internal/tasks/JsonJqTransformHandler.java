package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.script.JqEvaluator;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON_JQ_TRANSFORM: applies the jq query in {@code queryExpression} to the other inputs. */
public final class JsonJqTransformHandler implements TaskHandler {

    private final JqEvaluator jq;

    public JsonJqTransformHandler(JqEvaluator jq) {
        this.jq = jq;
    }

    @Override
    public String type() {
        return TaskType.JSON_JQ_TRANSFORM;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String field = check.path() + ".inputParameters.queryExpression";
        Object query = task.inputParameters().get("queryExpression");
        check.require(query instanceof String s && !s.isBlank(), field,
                "a JSON_JQ_TRANSFORM needs a jq query in inputParameters.queryExpression");
        if (check.isLiteral(query)) {
            check.jq((String) query, field);
        }
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        Map<String, Object> input = new LinkedHashMap<>(task.getInputData());
        String query = String.valueOf(input.remove("queryExpression"));
        try {
            List<Object> results = jq.apply(run.tenant(), query, input);
            Map<String, Object> out = new HashMap<>();
            out.put("result", results.isEmpty() ? null : results.get(0));
            out.put("resultList", results);
            run.complete(task, out);
        } catch (JqEvaluator.JqException e) {
            run.fail(task, TaskStatus.FAILED, e.getMessage());
        }
        return true;
    }
}
