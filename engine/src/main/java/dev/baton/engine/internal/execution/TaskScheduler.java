package dev.baton.engine.internal.execution;

import static dev.baton.engine.api.definition.TaskType.*;

import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.expression.ParameterResolver;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.tenancy.ResourceNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a task of the definition into task attempts of the execution, with resolved inputs. */
final class TaskScheduler {

    private final ParameterResolver resolver;
    private final JsonCodec json;
    private final EngineLimits limits;
    private final CompositionPolicy composition;

    TaskScheduler(ParameterResolver resolver, JsonCodec json, EngineLimits limits, CompositionPolicy composition) {
        this.resolver = resolver;
        this.json = json;
        this.limits = limits;
        this.composition = composition;
    }

    /** Schedules {@code wt} in loop iteration {@code iteration} (0 outside loops), with what must start along. */
    void schedule(WorkflowRun run, WorkflowTask wt, int iteration) {
        String type = wt.typeOrSimple();
        Map<String, Object> input;
        try {
            input = resolver.resolve(wt.inputParameters(), run.workflow, null);
        } catch (EngineException e) {
            Task failed = newTask(run, wt, type, iteration, new LinkedHashMap<>());
            fail(run, failed, TaskStatus.FAILED_WITH_TERMINAL_ERROR, e.getMessage());
            return;
        }
        switch (type) {
            case DYNAMIC -> dynamic(run, wt, input, iteration);
            case FORK_JOIN -> fork(run, wt, input, iteration);
            case FORK_JOIN_DYNAMIC -> dynamicFork(run, wt, input, iteration);
            case DO_WHILE -> loop(run, wt, input, iteration);
            case JOIN -> join(run, wt, input, iteration);
            default -> {
                if (TaskType.isSystem(type)) {
                    newTask(run, wt, type, iteration, input);
                } else {
                    worker(run, wt, wt.name(), type, input, iteration);
                }
            }
        }
    }

    /** A new attempt of a failed or timed out task, visible to workers after the retry delay. */
    Task retry(WorkflowRun run, Task failed) {
        failed.setRetried(true);
        run.changed(failed);
        Task t = new Task();
        t.setTaskType(failed.getTaskType());
        t.setTaskDefName(failed.getTaskDefName());
        t.setReferenceTaskName(failed.getReferenceTaskName());
        t.setWorkflowTask(failed.getWorkflowTask());
        t.setIteration(failed.getIteration());
        t.setInputData(json.copy(failed.getInputData()));
        t.setRetryCount(failed.getRetryCount() + 1);
        t.setRetriedTaskId(failed.getTaskId());
        t.setStatus(TaskStatus.SCHEDULED);
        t.setQueue(failed.getQueue());
        t.setDomain(failed.getDomain());
        t.setResponseTimeoutSeconds(failed.getResponseTimeoutSeconds());
        t.setVisibleAt(run.now.plusSeconds(retryDelaySeconds(failed)));
        return run.add(t);
    }

    static long retryDelaySeconds(Task failed) {
        TaskDef def = failed.taskDef();
        long base = def.retryDelaySeconds() == null ? 0 : def.retryDelaySeconds();
        int attempt = failed.getRetryCount();
        return switch (def.retryLogicOrDefault()) {
            case FIXED -> base;
            case EXPONENTIAL_BACKOFF -> base * (1L << Math.min(attempt, 30));
            case LINEAR_BACKOFF -> base * def.backoffScaleFactorOrDefault() * (attempt + 1L);
        };
    }

    private void worker(WorkflowRun run, WorkflowTask wt, String name, String type, Map<String, Object> input,
            int iteration) {
        Optional<TaskDef> registered = wt.taskDefinition() != null ? Optional.of(wt.taskDefinition()) : run.taskDef(name);
        Optional<String> refused = whyNotQueued(run, name, registered.isPresent());
        if (refused.isPresent()) {
            Task failed = newTask(run, wt, type, iteration, input);
            failed.setTaskDefName(storable(name));
            fail(run, failed, TaskStatus.FAILED_WITH_TERMINAL_ERROR, refused.get());
            return;
        }
        TaskDef def = registered.get();
        Map<String, Object> withTemplate = new LinkedHashMap<>();
        if (def.inputTemplate() != null) {
            withTemplate.putAll(def.inputTemplate());
        }
        withTemplate.putAll(input);
        WorkflowTask snapshot = wt.with(wt.taskReferenceName(), wt.inputParameters(), wt.joinOn(), def);
        Task t = newTask(run, snapshot, type, iteration, withTemplate);
        t.setTaskDefName(name);
        String domain = domainOf(run, name);
        t.setDomain(domain);
        t.setQueue(queueName(domain, name));
        t.setResponseTimeoutSeconds(def.responseTimeoutSecondsOrDefault());
        int delay = wt.startDelay() == null ? 0 : wt.startDelay();
        t.setVisibleAt(run.now.plusSeconds(delay));
    }

    /** Why a worker task of {@code name} cannot be queued: no definition, or its team may not feed those workers. */
    private Optional<String> whyNotQueued(WorkflowRun run, String name, boolean registered) {
        if (!registered) {
            return Optional.of("no task definition named '" + storable(name) + "'");
        }
        String team = run.workflow.getOwnerTeam();
        return team == null ? Optional.empty() : composition.refuseTask(run.tenant, team, name);
    }

    /** A task name as stored (and indexed): one taken from input may be of any length. */
    private static String storable(String name) {
        return name.length() <= ResourceNames.MAX_LENGTH ? name : name.substring(0, ResourceNames.MAX_LENGTH);
    }

    /** The queue workers poll: the task name, prefixed by the domain when the workflow routes it to one. */
    static String queueName(String domain, String taskName) {
        return domain == null || domain.isBlank() ? taskName : domain + ":" + taskName;
    }

    private static String domainOf(WorkflowRun run, String taskName) {
        Map<String, String> domains = run.workflow.getTaskToDomain();
        String d = domains.get(taskName);
        return d != null ? d : domains.get("*");
    }

    private void dynamic(WorkflowRun run, WorkflowTask wt, Map<String, Object> input, int iteration) {
        Object name = input.get(wt.dynamicTaskNameParam());
        if (!(name instanceof String taskName) || taskName.isBlank()) {
            Task failed = newTask(run, wt, DYNAMIC, iteration, input);
            fail(run, failed, TaskStatus.FAILED_WITH_TERMINAL_ERROR, "input '" + wt.dynamicTaskNameParam()
                    + "' of a DYNAMIC task must hold the name of the task to run");
            return;
        }
        if (TaskType.isSystem(taskName)) {
            newTask(run, wt, taskName, iteration, input).setTaskDefName(taskName);
        } else {
            worker(run, wt, taskName, taskName, input, iteration);
        }
    }

    private void fork(WorkflowRun run, WorkflowTask wt, Map<String, Object> input, int iteration) {
        Task fork = newTask(run, wt, FORK_JOIN, iteration, input);
        complete(run, fork, new LinkedHashMap<>());
        for (List<WorkflowTask> branch : wt.forkTasks()) {
            schedule(run, branch.get(0), iteration);
        }
    }

    @SuppressWarnings("unchecked")
    private void dynamicFork(WorkflowRun run, WorkflowTask wt, Map<String, Object> input, int iteration) {
        Task fork = newTask(run, wt, FORK_JOIN_DYNAMIC, iteration, input);
        List<WorkflowTask> forked = new ArrayList<>();
        try {
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
                    WorkflowTask t = json.convert(o, WorkflowTask.class);
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
            if (forked.size() > limits.dynamicForkFanOut()) {
                throw new IllegalArgumentException(forked.size() + " branches; at most " + limits.dynamicForkFanOut()
                        + " are allowed (baton.engine.limits.dynamic-fork-fan-out)");
            }
            for (WorkflowTask t : forked) {
                if (run.index.task(t.taskReferenceName()).isPresent()
                        || run.workflow.latestTask(t.taskReferenceName()).isPresent()) {
                    throw new IllegalArgumentException("dynamic task reference name '" + t.taskReferenceName()
                            + "' is already used in this workflow");
                }
            }
        } catch (RuntimeException e) {
            fail(run, fork, TaskStatus.FAILED_WITH_TERMINAL_ERROR, "cannot fork: " + e.getMessage());
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("forkedTasks", forked.stream().map(WorkflowTask::taskReferenceName).toList());
        complete(run, fork, out);
        for (WorkflowTask t : forked) {
            schedule(run, t, iteration);
        }
    }

    @SuppressWarnings("unchecked")
    private void join(WorkflowRun run, WorkflowTask wt, Map<String, Object> input, int iteration) {
        List<String> joinOn = new ArrayList<>(wt.joinOn());
        WorkflowTask previous = run.index.previous(wt.taskReferenceName());
        if (previous != null && FORK_JOIN_DYNAMIC.equals(previous.type())) {
            joinOn = run.workflow.latestTask(previous.taskReferenceName())
                    .map(t -> (List<String>) t.getOutputData().getOrDefault("forkedTasks", List.of()))
                    .map(ArrayList::new).orElseGet(ArrayList::new);
        } else if (joinOn.isEmpty() && previous != null && FORK_JOIN.equals(previous.type())) {
            for (List<WorkflowTask> branch : previous.forkTasks()) {
                joinOn.add(branch.get(branch.size() - 1).taskReferenceName());
            }
        }
        input.put("joinOn", joinOn);
        newTask(run, wt, JOIN, iteration, input);
    }

    private void loop(WorkflowRun run, WorkflowTask wt, Map<String, Object> input, int iteration) {
        Task loop = newTask(run, wt, DO_WHILE, iteration, input);
        loop.setStatus(TaskStatus.IN_PROGRESS);
        loop.setStarted(run.now);
        loop.setFirstStarted(run.now);
        Object items = input.get("items");
        if (items instanceof List<?> list && list.isEmpty()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("iteration", 0);
            complete(run, loop, out);
            return;
        }
        startIteration(run, loop, 1);
    }

    /** Starts iteration {@code n} of a DO_WHILE: records it on the loop task and schedules the first body task. */
    void startIteration(WorkflowRun run, Task loop, int n) {
        loop.setIteration(n);
        loop.getOutputData().put("iteration", n);
        if (loop.getInputData().get("items") instanceof List<?> items) {
            loop.getOutputData().put("index", n - 1);
            loop.getOutputData().put("item", items.get(n - 1));
        }
        run.changed(loop);
        schedule(run, loop.getWorkflowTask().loopOver().get(0), n);
    }

    Task newTask(WorkflowRun run, WorkflowTask wt, String type, int iteration, Map<String, Object> input) {
        Task t = new Task();
        t.setTaskType(type);
        t.setTaskDefName(wt.name());
        t.setReferenceTaskName(iteration > 0 ? wt.taskReferenceName() + "__" + iteration : wt.taskReferenceName());
        t.setWorkflowTask(wt);
        t.setIteration(iteration);
        t.setInputData(input);
        t.setStatus(TaskStatus.SCHEDULED);
        return run.add(t);
    }

    static void complete(WorkflowRun run, Task t, Map<String, Object> output) {
        t.setStatus(TaskStatus.COMPLETED);
        t.getOutputData().putAll(output);
        if (t.getStarted() == null) {
            t.setStarted(run.now);
        }
        if (t.getFirstStarted() == null) {
            t.setFirstStarted(run.now);
        }
        t.setEnded(run.now);
        run.changed(t);
    }

    static void fail(WorkflowRun run, Task t, TaskStatus status, String reason) {
        t.setStatus(status);
        t.setReasonForIncompletion(reason);
        if (t.getStarted() == null) {
            t.setStarted(run.now);
        }
        t.setEnded(run.now);
        run.changed(t);
    }
}
