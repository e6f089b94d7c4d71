package dev.baton.engine.internal.execution;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.Violation;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.dryrun.DryRunResult;
import dev.baton.engine.api.execution.RerunWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.UpgradePlan;
import dev.baton.engine.api.execution.UpgradeRequest;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.internal.Ids;
import dev.baton.engine.internal.definition.DefinitionStore;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.tenancy.TenantId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Changes to an execution's history that keep what it did: a fork (a copy run again from one of its tasks, the
 * original untouched) and an upgrade (a running execution moved to a newer version of its definition, every task
 * it ran mapped to its place there, checked by a dry run first).
 */
final class ExecutionRevisions {

    private final WorkflowExecutor executor;
    private final ExecutionStore store;
    private final DefinitionStore definitions;
    private final TaskHandlers handlers;
    private final DryRunner dryRunner;
    private final EngineLimits limits;

    ExecutionRevisions(WorkflowExecutor executor, ExecutionStore store, DefinitionStore definitions,
            TaskHandlers handlers, DryRunner dryRunner, EngineLimits limits) {
        this.limits = limits;
        this.executor = executor;
        this.store = store;
        this.definitions = definitions;
        this.handlers = handlers;
        this.dryRunner = dryRunner;
    }

    // ---- fork -----------------------------------------------------------------------------------------------

    /** A new execution copied from the ended {@code workflowId} and run again as {@code request} says; its id. */
    UUID fork(TenantId tenant, UUID workflowId, RerunWorkflowRequest request) {
        if (request == null || request.reRunFromTaskId() == null) {
            throw EngineException.invalid("reRunFromTaskId", "name the task of the execution the fork runs from");
        }
        return executor.inTransaction(tenant, () -> {
            // the store's read is a copy of its own; it takes new ids and forgets where it came from
            Workflow copy = store.find(workflowId, true)
                    .orElseThrow(() -> EngineException.notFound("workflow " + workflowId + " not found"));
            WorkflowExecutor.requireEnded(copy, "fork");
            Map<UUID, UUID> ids = new HashMap<>();
            copy.setWorkflowId(Ids.next());
            copy.setParentWorkflowId(null);
            copy.setParentWorkflowTaskId(null);
            copy.setIdempotencyKey(null);
            copy.setCreated(null);
            for (Task t : copy.getTasks()) {
                UUID fresh = Ids.next();
                ids.put(t.getTaskId(), fresh);
                t.setTaskId(fresh);
                t.setWorkflowInstanceId(copy.getWorkflowId());
            }
            for (Task t : copy.getTasks()) {
                if (t.getRetriedTaskId() != null) {
                    t.setRetriedTaskId(ids.get(t.getRetriedTaskId()));
                }
            }
            UUID from = Ids.parseOrNull(request.reRunFromTaskId());
            if (from == null || !ids.containsKey(from)) {
                throw EngineException.invalid("reRunFromTaskId", "task " + request.reRunFromTaskId()
                        + " is not a task of workflow " + workflowId);
            }
            WorkflowRun run = executor.newRun(tenant, copy);
            copy.setCreated(run.now);
            copy.setUpdated(run.now);
            run.isNew = true;
            run.added.addAll(copy.getTasks());
            executor.rerun(run, new RerunWorkflowRequest(null, request.workflowInput(), ids.get(from).toString(),
                    request.taskInput(), request.correlationId()));
            // tasks the rerun dropped were never written; the rest are written as they are now
            run.added.removeIf(t -> run.removed.contains(t.getTaskId()));
            run.removed.clear();
            executor.decideAndPersist(run);
            return copy.getWorkflowId();
        });
    }

    // ---- upgrade --------------------------------------------------------------------------------------------

    /** Plans {@code request}'s upgrade of {@code workflowId}, checks it by a dry run, and applies it when asked. */
    UpgradePlan upgrade(TenantId tenant, UUID workflowId, UpgradeRequest request) {
        if (request == null || request.version() == null) {
            throw EngineException.invalid("version", "name the version of the definition to upgrade to");
        }
        // a mapping names tasks of one definition: it cannot need more entries than a definition has tasks
        if (request.taskMapping() != null && request.taskMapping().size() > limits.tasksPerDefinition()) {
            throw EngineException.invalid("taskMapping", "at most " + limits.tasksPerDefinition() + " entries "
                    + "(baton.engine.limits.tasks-per-definition)");
        }
        return executor.inTransaction(tenant, () -> {
            WorkflowRun locked = executor.lock(tenant, workflowId);
            Workflow w = locked.workflow;
            if (w.getStatus() != WorkflowStatus.RUNNING && w.getStatus() != WorkflowStatus.PAUSED) {
                throw EngineException.conflict("cannot upgrade workflow " + workflowId + ": it is " + w.getStatus()
                        + "; only a running or paused execution is upgraded");
            }
            int current = w.getWorkflowVersion();
            if (request.version() <= current) {
                throw EngineException.invalid("version", "must be newer than the execution's version " + current);
            }
            WorkflowDef target = definitions.workflowDef(w.getWorkflowName(), request.version())
                    .orElseThrow(() -> EngineException.invalid("version", "workflow '" + w.getWorkflowName()
                            + "' has no version " + request.version()));
            Map<String, String> mapping = request.taskMapping() == null ? Map.of() : request.taskMapping();
            DefinitionIndex next = new DefinitionIndex(target, handlers);
            List<Violation> problems = new ArrayList<>();
            mapping.keySet().stream().sorted().filter(ref -> locked.index.task(ref).isEmpty()).forEach(ref ->
                    problems.add(new Violation("taskMapping." + ref, "is no task of version " + current)));
            List<UpgradePlan.TaskPlace> places = new ArrayList<>();
            for (Task t : sorted(w.getTasks())) {
                String newRef = mapping.getOrDefault(t.definitionRef(), t.definitionRef());
                Optional<String> why = whyNoPlace(locked, next, t, newRef, request.version());
                why.ifPresent(reason -> problems.add(new Violation("taskMapping." + t.definitionRef(), reason)));
                places.add(new UpgradePlan.TaskPlace(t.getReferenceTaskName(),
                        why.isPresent() ? null : renamed(t, newRef), t.getStatus()));
            }
            DryRunResult check = null;
            if (problems.isEmpty()) {
                Workflow copy = store.find(workflowId, true).orElseThrow();
                copy.setStatus(WorkflowStatus.RUNNING);
                moveTo(copy, target, mapping, next);
                check = dryRunner.resume(tenant, copy, request.taskOutputs());
            }
            UpgradePlan plan = new UpgradePlan(workflowId.toString(), current, request.version(), places,
                    List.copyOf(problems), check, false);
            if (request.onlyPlan()) {
                return plan;
            }
            if (!plan.safe()) {
                List<Violation> refusal = new ArrayList<>(problems);
                if (check != null) {
                    DryRunResult.Error e = check.error();
                    refusal.add(new Violation("check", "the upgraded execution would end " + check.status()
                            + (e == null ? "" : " at task '" + e.taskReferenceName() + "': " + e.reason())));
                }
                throw EngineException.conflict("the upgrade of workflow " + workflowId + " to version "
                        + request.version() + " is not safe: " + refusal.get(0).field() + " "
                        + refusal.get(0).reason(), refusal);
            }
            List<Task> moved = moveTo(w, target, mapping, next);
            store.renameTasks(moved);
            WorkflowRun run = executor.newRun(tenant, w);
            run.definitionChanged = true;
            run.workflowChanged();
            w.getTasks().forEach(run::changed);
            executor.decideAndPersist(run);
            return new UpgradePlan(plan.workflowId(), current, request.version(), places, plan.problems(), check,
                    true);
        });
    }

    /** Why {@code t} has no place in the new version under {@code newRef}; empty when it has one. */
    private static Optional<String> whyNoPlace(WorkflowRun run, DefinitionIndex next, Task t, String newRef,
            int version) {
        String task = "task '" + t.getReferenceTaskName() + "' (" + t.getStatus() + ")";
        Optional<WorkflowTask> there = next.task(newRef);
        if (there.isEmpty()) {
            return Optional.of(task + " has no place in version " + version + ": it has no task '" + newRef + "'");
        }
        WorkflowTask was = t.getWorkflowTask();
        String type = was == null ? t.getTaskType() : was.typeOrSimple();
        String name = was == null ? t.getTaskDefName() : was.name();
        // a worker task's name says which workers run it; a server type's name is only a label
        boolean same = there.get().typeOrSimple().equals(type)
                && (!"SIMPLE".equals(type) || there.get().name().equals(name));
        if (!same) {
            return Optional.of(task + " is a " + type + " task named '" + name + "'; '" + newRef + "' in version "
                    + version + " is a " + there.get().typeOrSimple() + " task named '" + there.get().name() + "'");
        }
        boolean inLoop = run.index.loopOf(t.definitionRef()) != null;
        if (inLoop != (next.loopOf(newRef) != null)) {
            return Optional.of(task + (inLoop ? " runs inside a loop" : " runs outside every loop")
                    + "; '" + newRef + "' in version " + version + (inLoop ? " does not" : " does"));
        }
        return Optional.empty();
    }

    /** Puts {@code w} on {@code target}, each task under its new reference name; returns the tasks renamed. */
    private static List<Task> moveTo(Workflow w, WorkflowDef target, Map<String, String> mapping,
            DefinitionIndex next) {
        w.setWorkflowDefinition(target);
        List<Task> renamed = new ArrayList<>();
        for (Task t : w.getTasks()) {
            String newRef = mapping.getOrDefault(t.definitionRef(), t.definitionRef());
            WorkflowTask there = next.task(newRef).orElseThrow();
            WorkflowTask was = t.getWorkflowTask();
            // what the task was scheduled with stays: its task definition's retries and timeouts, its catalog version
            WorkflowTask snapshot = was != null && was.taskDefinition() != null
                    ? there.with(there.taskReferenceName(), there.inputParameters(), there.joinOn(),
                            was.taskDefinition()) : there;
            if (was != null && was.catalog() != null) {
                snapshot = snapshot.withCatalog(was.catalog());
            }
            String name = renamed(t, newRef);
            if (!name.equals(t.getReferenceTaskName())) {
                t.setReferenceTaskName(name);
                renamed.add(t);
            }
            t.setWorkflowTask(snapshot);
        }
        return renamed;
    }

    private static String renamed(Task t, String newRef) {
        return t.getIteration() > 0 && t.getReferenceTaskName().endsWith("__" + t.getIteration())
                ? newRef + "__" + t.getIteration() : newRef;
    }

    private static List<Task> sorted(List<Task> tasks) {
        List<Task> copy = new ArrayList<>(tasks);
        copy.sort(Comparator.comparingInt(Task::getSeq));
        return copy;
    }
}
