package dev.baton.engine.internal.execution;

import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.TaskContracts;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.dryrun.CannedOutcome;
import dev.baton.engine.api.dryrun.DryRunRequest;
import dev.baton.engine.api.dryrun.DryRunResult;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.internal.Ids;
import dev.baton.engine.internal.expression.ParameterResolver;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Evaluates a workflow the way the engine would run it, entirely in memory: the real decider and scheduler resolve
 * every input and choose every path, but only types {@link TaskHandler#evaluatedInDryRun() evaluated in dry runs}
 * are decided; every other task takes the outcome the request gave it. Sub-workflows are evaluated the same way;
 * workflows a task would start are only listed. Nothing is written, queued, sent or published: the caller holds a
 * read-only transaction, and this decider's launcher starts nothing.
 */
final class DryRunner {

    /** Most task attempts one dry run makes, of every type, sub-workflows included. */
    static final int MAX_TASKS = 2_000;
    /** Longest a dry run may take, scripts included. */
    static final Duration MAX_DURATION = Duration.ofSeconds(10);
    /** Most entries in {@code taskOutputs}, and most outcomes in one entry's list. */
    static final int MAX_OUTPUTS = 1_000;
    static final int MAX_ATTEMPTS_GIVEN = 100;

    private final WorkflowExecutor executor;
    private final TaskHandlers handlers;
    private final JsonCodec json;
    private final ParameterResolver resolver;
    private final WorkflowDecider decider;

    DryRunner(WorkflowExecutor executor, CompositionPolicy composition, TaskContracts contracts,
            TaskHandlers handlers, JsonCodec json, ParameterResolver resolver, EngineLimits limits) {
        this.executor = executor;
        this.handlers = handlers;
        this.json = json;
        this.resolver = resolver;
        this.decider = new WorkflowDecider(resolver, json, handlers, new Launcher(), limits, composition, contracts,
                null, true);
    }

    /** Evaluates {@code request} for {@code actingTeam} (the caller's team for an inline definition); read-only. */
    DryRunResult run(TenantId tenant, DryRunRequest request, String actingTeam) {
        boolean inline = request.workflowDef() != null;
        if (inline == (request.name() != null && !request.name().isBlank())) {
            throw EngineException.invalid("name", "give either the name of a registered definition or an inline "
                    + "workflowDef, not both or neither");
        }
        Session session = new Session(tenant, cannedOutcomes(request.taskOutputs()));
        StartWorkflowRequest start = new StartWorkflowRequest(request.name(), request.version(),
                request.correlationId(), request.input(), null, request.workflowDef(), null, null, null, null);
        // the caller's permission to start it was checked by the API, as for a start
        WorkflowExecutor.Startable startable = executor.startable(tenant, start, actingTeam, false);
        Workflow w = executor.newWorkflow(tenant, startable.def(), start);
        w.setOwnerTeam(startable.ownerTeam());
        return inSession(session, () -> session.evaluate(w, "", 0, false));
    }

    /**
     * Evaluates {@code w} on from the state it is in (a stored execution, changed in memory), as its next decisions
     * would; the children its open tasks already wait on are outside the dry run, and take given outcomes too.
     */
    DryRunResult resume(TenantId tenant, Workflow w, Map<String, Object> taskOutputs) {
        Session session = new Session(tenant, cannedOutcomes(taskOutputs));
        w.getTasks().stream().filter(t -> !t.getStatus().isTerminal() && t.getSubWorkflowId() != null)
                .forEach(t -> session.outside.add(t.getTaskId()));
        return inSession(session, () -> session.evaluate(w, "", 0, true));
    }

    private static DryRunResult inSession(Session session, java.util.function.Supplier<DryRunResult> work) {
        SESSION.set(session);
        try {
            return work.get();
        } finally {
            SESSION.remove();
        }
    }

    /** The request's canned outcomes, each checked, by the key it was given under. */
    private Map<String, List<CannedOutcome>> cannedOutcomes(Map<String, Object> given) {
        Map<String, List<CannedOutcome>> canned = new HashMap<>();
        if (given == null) {
            return canned;
        }
        if (given.size() > MAX_OUTPUTS) {
            throw EngineException.invalid("taskOutputs", "at most " + MAX_OUTPUTS + " tasks may be given outcomes");
        }
        given.forEach((ref, value) -> {
            String field = "taskOutputs." + ref;
            List<?> listed = value instanceof List<?> l ? l : java.util.Collections.singletonList(value);
            if (listed.isEmpty() || listed.size() > MAX_ATTEMPTS_GIVEN) {
                throw EngineException.invalid(field, "give one outcome, or a list of 1 to " + MAX_ATTEMPTS_GIVEN
                        + " (one per attempt)");
            }
            List<CannedOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < listed.size(); i++) {
                String at = value instanceof List<?> ? field + "[" + i + "]" : field;
                if (!(listed.get(i) instanceof Map<?, ?>)) {
                    throw EngineException.invalid(at, "must be an object with status, output and "
                            + "reasonForIncompletion");
                }
                CannedOutcome outcome;
                try {
                    outcome = json.convert(listed.get(i), CannedOutcome.class);
                } catch (IllegalArgumentException e) {
                    throw EngineException.invalid(at, "is not an outcome: " + e.getMessage());
                }
                if (!CannedOutcome.STATUSES.contains(outcome.status())) {
                    throw EngineException.invalid(at + ".status", "must be one of "
                            + CannedOutcome.STATUSES.stream().map(Enum::name).sorted().toList());
                }
                outcomes.add(outcome);
            }
            canned.put(ref, outcomes);
        });
        return canned;
    }

    /** One dry run: its budget, its canned outcomes and what the runs in it found. */
    private final class Session {

        private final TenantId tenant;
        private final Map<String, List<CannedOutcome>> canned;
        private final Map<String, Integer> taken = new HashMap<>();
        private final Map<UUID, DryRunResult.Source> sources = new HashMap<>();
        private final Map<UUID, DryRunResult> children = new HashMap<>();
        private final Map<WorkflowRun, Scope> scopes = new IdentityHashMap<>();
        /** Open tasks of a resumed execution that wait on something outside the dry run (a running child). */
        private final java.util.Set<UUID> outside = new java.util.HashSet<>();
        private final long deadline = System.nanoTime() + MAX_DURATION.toNanos();
        private int tasks;
        private String stopped;

        Session(TenantId tenant, Map<String, List<CannedOutcome>> canned) {
            this.tenant = tenant;
            this.canned = canned;
        }

        /** Runs {@code w} to its end, or as far as the budget allows; {@code prefix} scopes its canned outcomes. */
        DryRunResult evaluate(Workflow w, String prefix, int depth, boolean resume) {
            WorkflowRun run = executor.newRun(tenant, w);
            run.isNew = true;
            run.depth = depth;
            Scope scope = new Scope(prefix, depth);
            scopes.put(run, scope);
            run.beforeAdd = this::spend;
            try {
                if (resume) {
                    decider.decide(run);
                } else {
                    decider.start(run);
                }
                while (w.getStatus() == WorkflowStatus.RUNNING && stopped == null) {
                    List<Task> waiting = w.getTasks().stream().filter(t -> !t.getStatus().isTerminal()
                            && !evaluated(t)).sorted(Comparator.comparingInt(Task::getSeq)).toList();
                    if (waiting.isEmpty()) {
                        break;
                    }
                    for (Task t : waiting) {
                        settle(run, t, take(prefix, t));
                    }
                    decider.decide(run);
                }
            } catch (BudgetSpent e) {
                // the run stops where it stands: what it did so far is the answer, with the reason it stopped
            } finally {
                scopes.remove(run);
            }
            return result(run, scope);
        }

        /** Counts a task about to be added; once the session's budget is spent, stops every run in it. */
        private void spend() {
            if (stopped == null && ++tasks > MAX_TASKS) {
                stopped = "the dry run stopped after " + MAX_TASKS + " tasks";
            }
            if (stopped == null && System.nanoTime() > deadline) {
                stopped = "the dry run stopped after " + MAX_DURATION.toSeconds() + " seconds";
            }
            if (stopped != null) {
                throw new BudgetSpent();
            }
        }

        private boolean evaluated(Task t) {
            if (outside.contains(t.getTaskId())) {
                return false;
            }
            TaskHandler handler = handlers.find(t.getTaskType());
            return handler != null && handler.evaluatedInDryRun();
        }

        /** The outcome given for {@code t}'s next attempt: by its exact reference name, else its definition's. */
        private CannedOutcome take(String prefix, Task t) {
            for (String key : List.of(prefix + t.getReferenceTaskName(), prefix + t.definitionRef())) {
                List<CannedOutcome> outcomes = canned.get(key);
                if (outcomes != null) {
                    int n = taken.merge(key, 1, Integer::sum) - 1;
                    sources.put(t.getTaskId(), DryRunResult.Source.CANNED);
                    return outcomes.get(Math.min(n, outcomes.size() - 1));
                }
            }
            sources.put(t.getTaskId(), DryRunResult.Source.ASSUMED);
            return CannedOutcome.ASSUMED;
        }

        private void settle(WorkflowRun run, Task t, CannedOutcome outcome) {
            if (t.getStarted() == null) {
                t.setStarted(run.now);
                t.setFirstStarted(run.now);
            }
            t.getOutputData().putAll(json.copy(outcome.output()));
            if (outcome.status() == TaskStatus.COMPLETED) {
                executor.completeReported(run, t);
            } else {
                TaskScheduler.fail(run, t, outcome.status(), outcome.reasonForIncompletion() == null
                        ? "given as " + outcome.status() : outcome.reasonForIncompletion());
            }
        }

        private DryRunResult result(WorkflowRun run, Scope scope) {
            Workflow w = run.workflow;
            List<DryRunResult.TaskRun> runs = w.getTasks().stream().sorted(Comparator.comparingInt(Task::getSeq))
                    .map(t -> new DryRunResult.TaskRun(t.getReferenceTaskName(), t.getTaskType(),
                            t.getTaskDefName(), t.getSeq(), t.getIteration(), t.getRetryCount(), t.getStatus(),
                            t.getInputData(), t.getOutputData(), t.getReasonForIncompletion(),
                            sources.getOrDefault(t.getTaskId(), DryRunResult.Source.EVALUATED),
                            children.get(t.getTaskId())))
                    .toList();
            return new DryRunResult(w.getWorkflowName(), w.getWorkflowVersion(), w.getStatus(),
                    w.getReasonForIncompletion(), w.getOutput(), runs, scope.started, error(run));
        }

        /** The first reason the workflow would not complete, with the input field to blame when there is one. */
        private DryRunResult.Error error(WorkflowRun run) {
            Workflow w = run.workflow;
            if (w.getStatus() == WorkflowStatus.COMPLETED) {
                return null;
            }
            if (w.getStatus() == WorkflowStatus.RUNNING) {
                String blocked = w.getTasks().stream().filter(t -> !t.getStatus().isTerminal())
                        .map(Task::getReferenceTaskName).findFirst().orElse(null);
                return new DryRunResult.Error(blocked, null, stopped != null ? stopped
                        : "the workflow would wait for ever: '" + blocked + "' waits on nothing that can end");
            }
            String ref = w.getFailedReferenceTaskNames().isEmpty() ? null : w.getFailedReferenceTaskNames().get(0);
            Task failed = ref == null ? null : w.getTasks().stream().filter(t -> ref.equals(t.getReferenceTaskName()))
                    .max(Comparator.comparingInt(Task::getSeq)).orElse(null);
            String reason = failed != null && failed.getReasonForIncompletion() != null
                    ? failed.getReasonForIncompletion() : w.getReasonForIncompletion();
            return new DryRunResult.Error(ref, failed == null ? null : fieldToBlame(run, failed), reason);
        }

        /** The input parameter that cannot be resolved, found by resolving each one alone; null when none fails. */
        private String fieldToBlame(WorkflowRun run, Task failed) {
            WorkflowTask wt = failed.getWorkflowTask();
            if (wt == null || sources.containsKey(failed.getTaskId())) {
                return null;
            }
            for (Map.Entry<String, Object> p : wt.inputParameters().entrySet()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put(p.getKey(), p.getValue());
                try {
                    resolver.resolve(one, run.workflow, Map.of(ParameterResolver.TASK_ID,
                            failed.getTaskId().toString()));
                } catch (RuntimeException e) {
                    return "inputParameters." + p.getKey();
                }
            }
            return null;
        }
    }

    /** Where one workflow of a dry run sits: the prefix of its canned outcomes, its depth, what it would start. */
    private static final class Scope {
        final String prefix;
        final int depth;
        final List<DryRunResult.StartedWorkflow> started = new ArrayList<>();

        Scope(String prefix, int depth) {
            this.prefix = prefix;
            this.depth = depth;
        }
    }

    /** Thrown out of a decision when the session's budget is spent; caught where the run began. */
    private static final class BudgetSpent extends RuntimeException {
        BudgetSpent() {
            super(null, null, false, false);
        }
    }

    /** The session of the dry run on this thread: the launcher is shared, the session is not. */
    private static final ThreadLocal<Session> SESSION = new ThreadLocal<>();

    /** Starts nothing: evaluates sub-workflows in the session and lists every other workflow a task would start. */
    private final class Launcher implements WorkflowLauncher {

        @Override
        public Workflow startChild(WorkflowRun parent, Task parentTask, WorkflowDef def, Map<String, Object> input) {
            Session session = SESSION.get();
            Scope scope = session.scopes.get(parent);
            String key = scope.prefix + parentTask.getReferenceTaskName();
            boolean given = session.canned.containsKey(key)
                    || session.canned.containsKey(scope.prefix + parentTask.definitionRef());
            Workflow child;
            if (given) {
                CannedOutcome outcome = session.take(scope.prefix, parentTask);
                child = new Workflow();
                child.setWorkflowId(Ids.next());
                child.setStatus(outcome.status() == TaskStatus.COMPLETED ? WorkflowStatus.COMPLETED
                        : outcome.status() == TaskStatus.TIMED_OUT ? WorkflowStatus.TIMED_OUT : WorkflowStatus.FAILED);
                child.setOutput(json.copy(outcome.output()));
                child.setReasonForIncompletion(outcome.reasonForIncompletion());
                return child;
            }
            // settled as the engine settles a child's start (WorkflowExecutor.startChild), then evaluated here
            StartWorkflowRequest request = new StartWorkflowRequest(def.name(), def.versionOrDefault(),
                    parent.workflow.getCorrelationId(), input, parent.workflow.getTaskToDomain(),
                    parentTask.getWorkflowTask().subWorkflowParam().workflowDefinition(),
                    parent.workflow.getPriority(), null, null, null);
            WorkflowExecutor.Startable startable = executor.startable(session.tenant, request,
                    parent.workflow.getOwnerTeam(), true);
            executor.requireNesting(scope.depth + 1, true);
            child = executor.newWorkflow(session.tenant, startable.def(), request);
            child.setOwnerTeam(startable.ownerTeam());
            child.setParentWorkflowId(parent.workflow.getWorkflowId());
            child.setParentWorkflowTaskId(parentTask.getTaskId());
            session.children.put(parentTask.getTaskId(),
                    session.evaluate(child, key + "/", scope.depth + 1, false));
            return child;
        }

        @Override
        public UUID startFromTask(WorkflowRun run, StartWorkflowRequest request) {
            Session session = SESSION.get();
            WorkflowExecutor.requireName(request);
            WorkflowDef def = executor.startable(session.tenant, request, run.workflow.getOwnerTeam(), true).def();
            session.scopes.get(run).started.add(new DryRunResult.StartedWorkflow(def.name(), request.version(),
                    request.input() == null ? Map.of() : json.copy(request.input())));
            return Ids.next();
        }

        @Override
        public void terminateChild(TenantId tenant, UUID childId, String reason) {
            // a dry run's children have ended before their parent decides again: there is nothing to stop
        }

        @Override
        public WorkflowDef definition(String name, Integer version) {
            return executor.definition(name, version);
        }
    }
}
