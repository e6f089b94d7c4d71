package dev.baton.engine.internal.execution;

import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.TaskContracts;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.Ids;
import dev.baton.engine.internal.expression.ParameterResolver;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.spi.AsyncTaskHandler;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import dev.baton.tenancy.ResourceNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Turns a task of the definition into task attempts of the execution, with resolved inputs. */
final class TaskScheduler {

    private final ParameterResolver resolver;
    private final JsonCodec json;
    private final CompositionPolicy composition;
    private final TaskHandlers handlers;
    private final TaskContracts contracts;
    private final Function<WorkflowRun, WorkflowContext> contexts;

    TaskScheduler(ParameterResolver resolver, JsonCodec json, CompositionPolicy composition, TaskHandlers handlers,
            TaskContracts contracts, Function<WorkflowRun, WorkflowContext> contexts) {
        this.resolver = resolver;
        this.contracts = contracts;
        this.json = json;
        this.composition = composition;
        this.handlers = handlers;
        this.contexts = contexts;
    }

    /** Schedules {@code wt} in loop iteration {@code iteration} (0 outside loops), with what must start along. */
    void schedule(WorkflowRun run, WorkflowTask wt, int iteration) {
        // the task's own id is known to its input (${CPEWF_TASK_ID}), so it is chosen first
        run.nextTaskId = Ids.next();
        try {
            scheduleResolved(run, wt, iteration);
        } finally {
            run.nextTaskId = null;
        }
    }

    private void scheduleResolved(WorkflowRun run, WorkflowTask wt, int iteration) {
        String type = wt.typeOrSimple();
        Map<String, Object> input;
        try {
            input = resolver.resolve(wt.inputParameters(), run.workflow,
                    Map.of(ParameterResolver.TASK_ID, run.nextTaskId.toString()));
        } catch (EngineException e) {
            Task failed = newTask(run, wt, type, iteration, new LinkedHashMap<>());
            fail(run, failed, TaskStatus.FAILED_WITH_TERMINAL_ERROR, e.getMessage());
            return;
        }
        if (wt.catalog() != null) {
            TaskContracts.InputCheck check = contracts.checkInput(run.tenant, wt.catalog(), input);
            // the task runs against the exact version its reference names now, whatever is published later
            wt = wt.withCatalog(check.exact());
            if (check.violation().isPresent()) {
                fail(run, newTask(run, wt, type, iteration, input), TaskStatus.FAILED_WITH_TERMINAL_ERROR,
                        check.violation().get());
                return;
            }
        }
        TaskHandler handler = handlers.find(type);
        if (handler != null) {
            handler.schedule(contexts.apply(run), wt, input, iteration);
        } else {
            worker(run, wt, wt.name(), type, input, iteration);
        }
    }

    /** Schedules {@code wt} as a task of {@code typeOrName}: a server type, else a worker task of that name. */
    void scheduleAs(WorkflowRun run, WorkflowTask wt, String typeOrName, Map<String, Object> input, int iteration) {
        if (handlers.find(typeOrName) != null) {
            add(run, wt, typeOrName, input, iteration).setTaskDefName(typeOrName);
        } else {
            worker(run, wt, typeOrName, typeOrName, input, iteration);
        }
    }

    /**
     * Adds a task of server type {@code type}. An asynchronous one is queued for the system-task worker, under the
     * task definition registered with its name when there is one (its retries and timeouts), like a worker task.
     */
    Task add(WorkflowRun run, WorkflowTask wt, String type, Map<String, Object> input, int iteration) {
        AsyncTaskHandler<?> async = handlers.async(type);
        WorkflowTask snapshot = wt.taskDefinition() != null ? wt : run.taskDef(wt.name())
                .map(def -> wt.with(wt.taskReferenceName(), wt.inputParameters(), wt.joinOn(), def)).orElse(wt);
        if (async == null) {
            TaskHandler handler = handlers.find(type);
            boolean byDefinition = handler != null && handler.retriedByTaskDefinition();
            return newTask(run, byDefinition ? snapshot : wt, type, iteration, input);
        }
        Task t = newTask(run, snapshot, type, iteration, input);
        t.setQueue(TaskHandlers.serverQueue(type));
        // the worker stops an attempt at maxDuration; past that (and a margin) the node that held it is gone
        t.setResponseTimeoutSeconds(async.maxDuration().toSeconds() + 30);
        int delay = wt.startDelay() == null ? 0 : wt.startDelay();
        t.setVisibleAt(run.now.plusSeconds(delay));
        return t;
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
