package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FORK_JOIN_DYNAMIC: starts branches decided at run time, either a list of tasks with their inputs or one task
 * name with a list of inputs; the JOIN after it waits for them.
 */
public final class DynamicForkHandler implements TaskHandler {

    @Override
    public String type() {
        return TaskType.FORK_JOIN_DYNAMIC;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String path = check.path();
        ForkJoinHandler.requireJoinAfter(task, check);
        boolean classic = task.dynamicForkTasksParam() != null && task.dynamicForkTasksInputParamName() != null;
        boolean simple = task.inputParameters().containsKey("forkTaskName")
                || task.inputParameters().containsKey("forkTaskWorkflow");
        check.require(classic || simple, path + ".dynamicForkTasksParam", "a FORK_JOIN_DYNAMIC needs "
                + "dynamicForkTasksParam and dynamicForkTasksInputParamName, or forkTaskName and forkTaskInputs");
        if (classic) {
            check.require(task.inputParameters().containsKey(task.dynamicForkTasksParam()),
                    path + ".dynamicForkTasksParam",
                    "must name an input parameter ('" + task.dynamicForkTasksParam() + "' is not one)");
        }
    }

    @Override
    public void schedule(WorkflowContext run, WorkflowTask wt, Map<String, Object> input, int iteration) {
        Task fork = run.add(wt, type(), input, iteration);
        List<WorkflowTask> forked;
        try {
            forked = branches(run, wt, input);
        } catch (RuntimeException e) {
            run.fail(fork, TaskStatus.FAILED_WITH_TERMINAL_ERROR, "cannot fork: " + e.getMessage());
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("forkedTasks", forked.stream().map(WorkflowTask::taskReferenceName).toList());
        run.complete(fork, out);
        for (WorkflowTask t : forked) {
            run.schedule(t, iteration);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<WorkflowTask> branches(WorkflowContext run, WorkflowTask wt, Map<String, Object> input) {
        List<WorkflowTask> forked = new ArrayList<>();
        if (input.containsKey("forkTaskName")) {
            String name = String.valueOf(input.get("forkTaskName"));
            List<Object> inputs = input.get("forkTaskInputs") instanceof List<?> l ? (List<Object>) l : List.of();
            for (int i = 0; i < inputs.size(); i++) {
                Map<String, Object> in = inputs.get(i) instanceof Map<?, ?> m
                        ? (Map<String, Object>) m : Map.of("input", inputs.get(i));
                forked.add(WorkflowTask.of(name, name + "_" + i, null, new LinkedHashMap<>(in)));
            }
        } else {
            Object tasks = input.get(wt.dynamicForkTasksParam());
            Object inputs = input.get(wt.dynamicForkTasksInputParamName());
            Map<String, Object> byRef = inputs instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            if (!(tasks instanceof List<?> list)) {
                throw new IllegalArgumentException("input '" + wt.dynamicForkTasksParam()
                        + "' must be a list of tasks");
            }
            for (Object o : list) {
                WorkflowTask t = run.convert(o, WorkflowTask.class);
                if (t.taskReferenceName() == null || t.name() == null) {
                    throw new IllegalArgumentException("every dynamic fork task needs name and taskReferenceName");
                }
                Object in = byRef.get(t.taskReferenceName());
                Map<String, Object> taskInput = new LinkedHashMap<>(t.inputParameters());
                if (in instanceof Map<?, ?> m) {
                    taskInput.putAll((Map<String, Object>) m);
                }
                forked.add(t.with(t.taskReferenceName(), taskInput, t.joinOn(), t.taskDefinition()));
            }
        }
        int fanOut = run.limits().dynamicForkFanOut();
        if (forked.size() > fanOut) {
            throw new IllegalArgumentException(forked.size() + " branches; at most " + fanOut
                    + " are allowed (baton.engine.limits.dynamic-fork-fan-out)");
        }
        for (WorkflowTask t : forked) {
            if (run.definitionTask(t.taskReferenceName()).isPresent()
                    || run.workflow().latestTask(t.taskReferenceName()).isPresent()) {
                throw new IllegalArgumentException("dynamic task reference name '" + t.taskReferenceName()
                        + "' is already used in this workflow");
            }
        }
        return forked;
    }
}
