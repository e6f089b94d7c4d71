package dev.baton.engine.internal.execution;

import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.script.ScriptEvaluator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DO_WHILE: when every task of the current iteration has ended, records their outputs under the iteration number
 * and either starts the next iteration or completes. The body always runs at least once.
 */
final class DoWhileTask implements SystemTask {

    private final ScriptEvaluator scripts;
    private final int maxIterations;
    private final TaskScheduler scheduler;

    DoWhileTask(ScriptEvaluator scripts, TaskScheduler scheduler, int maxIterations) {
        this.maxIterations = maxIterations;
        this.scripts = scripts;
        this.scheduler = scheduler;
    }

    @Override
    public boolean execute(WorkflowRun run, Task loop) {
        int iteration = loop.getIteration();
        String loopRef = loop.getWorkflowTask().taskReferenceName();
        Map<String, Task> latest = new LinkedHashMap<>();
        for (Task t : run.workflow.getTasks()) {
            if (t == loop || t.getIteration() != iteration) {
                continue;
            }
            WorkflowTask owner = run.index.loopOf(t.definitionRef());
            if (owner == null || !owner.taskReferenceName().equals(loopRef)) {
                continue;
            }
            if (!t.getStatus().isTerminal() || (!t.isExecuted() && !t.isRetried())) {
                return false;
            }
            if (!t.isRetried()) {
                latest.put(t.definitionRef(), t);
            }
        }
        if (latest.isEmpty()) {
            return false;
        }
        Map<String, Object> outputs = new LinkedHashMap<>();
        latest.forEach((ref, t) -> outputs.put(ref, t.getOutputData()));
        loop.getOutputData().put(String.valueOf(iteration), outputs);
        boolean again;
        try {
            again = continues(run, loop, iteration, outputs);
        } catch (ScriptEvaluator.ScriptException e) {
            TaskScheduler.fail(run, loop, TaskStatus.FAILED, "cannot evaluate the loop condition: " + e.getMessage());
            return true;
        }
        if (again && iteration >= maxIterations) {
            TaskScheduler.fail(run, loop, TaskStatus.FAILED, "the loop ran " + maxIterations
                    + " iterations, the most allowed (baton.engine.limits.loop-iterations)");
        } else if (again) {
            scheduler.startIteration(run, loop, iteration + 1);
        } else {
            TaskScheduler.complete(run, loop, Map.of());
        }
        return true;
    }

    private boolean continues(WorkflowRun run, Task loop, int iteration, Map<String, Object> outputs) {
        if (loop.getInputData().get("items") instanceof List<?> items) {
            if (iteration >= items.size()) {
                return false;
            }
        }
        String condition = loop.getWorkflowTask().loopCondition();
        if (condition == null || condition.isBlank()) {
            return true;
        }
        Map<String, Object> context = new LinkedHashMap<>(loop.getInputData());
        context.putAll(outputs);
        context.put(loop.getWorkflowTask().taskReferenceName(), loop.getOutputData());
        Object result = scripts.evaluate(run.tenant(), condition, context);
        return result instanceof Boolean b ? b : result != null && !"false".equals(String.valueOf(result));
    }
}
