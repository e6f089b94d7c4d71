package dev.baton.engine.internal.execution;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.script.JqEvaluator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON_JQ_TRANSFORM: applies the jq query in {@code queryExpression} to the other inputs. */
final class JsonJqTransformTask implements SystemTask {

    private final JqEvaluator jq;

    JsonJqTransformTask(JqEvaluator jq) {
        this.jq = jq;
    }

    @Override
    public boolean execute(WorkflowRun run, Task task) {
        Map<String, Object> input = new LinkedHashMap<>(task.getInputData());
        String query = String.valueOf(input.remove("queryExpression"));
        try {
            List<Object> results = jq.apply(run.tenant(), query, input);
            Map<String, Object> out = new HashMap<>();
            out.put("result", results.isEmpty() ? null : results.get(0));
            out.put("resultList", results);
            TaskScheduler.complete(run, task, out);
        } catch (JqEvaluator.JqException e) {
            TaskScheduler.fail(run, task, TaskStatus.FAILED, e.getMessage());
        }
        return true;
    }
}
