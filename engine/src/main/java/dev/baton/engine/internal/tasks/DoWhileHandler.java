package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.script.ScriptEvaluator;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DO_WHILE: when every task of the current iteration has ended, records their outputs under the iteration number
 * and either starts the next iteration or completes. The body always runs at least once, except over an empty
 * {@code items} list.
 */
public final class DoWhileHandler implements TaskHandler {

    private final ScriptEvaluator scripts;

    public DoWhileHandler(ScriptEvaluator scripts) {
        this.scripts = scripts;
    }

    @Override
    public String type() {
        return TaskType.DO_WHILE;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public ChildFlow childFlow() {
        return ChildFlow.REPEAT;
    }

    @Override
    public boolean waitsAgainOnRetry() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String path = check.path();
        check.require(!check.inLoop(), path + ".type", "a DO_WHILE cannot be nested in another DO_WHILE");
        check.require(!task.loopOver().isEmpty(), path + ".loopOver",
                "a DO_WHILE needs at least one task to loop over");
        boolean items = task.inputParameters().containsKey("items");
        boolean condition = task.loopCondition() != null && !task.loopCondition().isBlank();
        check.require(items || condition, path + ".loopCondition",
                "a DO_WHILE needs a loopCondition or an 'items' input");
        if (condition) {
            check.script(task.loopCondition(), path + ".loopCondition");
        }
        check.loopBody(task, task.loopOver(), path + ".loopOver");
    }

    @Override
    public void schedule(WorkflowContext run, WorkflowTask wt, Map<String, Object> input, int iteration) {
        Task loop = run.add(wt, type(), input, iteration);
        loop.setStatus(TaskStatus.IN_PROGRESS);
        loop.setStarted(run.now());
        loop.setFirstStarted(run.now());
        if (input.get("items") instanceof List<?> list && list.isEmpty()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("iteration", 0);
            run.complete(loop, out);
            return;
        }
        startIteration(run, loop, 1);
    }

    /** Starts iteration {@code n}: records it on the loop task and schedules the first body task. */
    private static void startIteration(WorkflowContext run, Task loop, int n) {
        loop.setIteration(n);
        loop.getOutputData().put("iteration", n);
        if (loop.getInputData().get("items") instanceof List<?> items) {
            loop.getOutputData().put("index", n - 1);
            loop.getOutputData().put("item", items.get(n - 1));
        }
        run.changed(loop);
        run.schedule(loop.getWorkflowTask().loopOver().get(0), n);
    }

    @Override
    public boolean decide(WorkflowContext run, Task loop) {
        int iteration = loop.getIteration();
        String loopRef = loop.getWorkflowTask().taskReferenceName();
        Map<String, Task> latest = new LinkedHashMap<>();
        for (Task t : run.workflow().getTasks()) {
            if (t == loop || t.getIteration() != iteration) {
                continue;
            }
            Optional<WorkflowTask> owner = run.loopOf(t.definitionRef());
            if (owner.isEmpty() || !owner.get().taskReferenceName().equals(loopRef)) {
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
            run.fail(loop, TaskStatus.FAILED, "cannot evaluate the loop condition: " + e.getMessage());
            return true;
        }
        int max = run.limits().loopIterations();
        if (again && iteration >= max) {
            run.fail(loop, TaskStatus.FAILED, "the loop ran " + max
                    + " iterations, the most allowed (baton.engine.limits.loop-iterations)");
        } else if (again) {
            startIteration(run, loop, iteration + 1);
        } else {
            run.complete(loop, Map.of());
        }
        return true;
    }

    private boolean continues(WorkflowContext run, Task loop, int iteration, Map<String, Object> outputs) {
        if (loop.getInputData().get("items") instanceof List<?> items && iteration >= items.size()) {
            return false;
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
