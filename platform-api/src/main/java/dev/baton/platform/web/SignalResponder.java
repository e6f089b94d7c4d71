package dev.baton.platform.web;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Conductor's synchronous answers (execute, signal/sync): waits until a workflow ends or blocks (a WAIT task with
 * no time of its own, or one of the named tasks ended; in the workflow or a running sub-workflow), or the wait
 * runs out, and answers in the shape its return strategy asks for.
 */
@Component
public class SignalResponder {

    /** What a synchronous call answers with, as Conductor names it. */
    public enum ReturnStrategy { TARGET_WORKFLOW, BLOCKING_WORKFLOW, BLOCKING_TASK, BLOCKING_TASK_INPUT }

    /** Most levels of sub-workflows looked into for a blocking task (the engine's nesting bound is lower). */
    private static final int MAX_DEPTH = 32;

    private static final Set<String> WAITING_TYPES = Set.of("WAIT", "HUMAN");

    private final WorkflowService workflows;

    public SignalResponder(WorkflowService workflows) {
        this.workflows = workflows;
    }

    /** A blocking task found, and the workflow it belongs to. */
    record Blocking(Workflow workflow, Task task) {}

    /** Reads a return strategy, refusing an unknown one naming the field. */
    static ReturnStrategy strategy(String value) {
        try {
            return value == null || value.isBlank() ? ReturnStrategy.TARGET_WORKFLOW
                    : ReturnStrategy.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("returnStrategy", "must be TARGET_WORKFLOW, BLOCKING_WORKFLOW, "
                    + "BLOCKING_TASK or BLOCKING_TASK_INPUT");
        }
    }

    /** Waits up to {@code timeout} for {@code workflowId} to end or block, then answers per {@code strategy}. */
    Map<String, Object> await(TenantId tenant, UUID workflowId, List<String> taskRefs, ReturnStrategy strategy,
            String requestId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 5;
        while (true) {
            Workflow w = workflows.get(tenant, workflowId, true);
            Optional<Blocking> blocking = blocking(tenant, w, taskRefs, 0);
            if (w.getStatus().isTerminal() || blocking.isPresent()) {
                return response(w, blocking, strategy, requestId, false);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return response(w, Optional.empty(), strategy, requestId, true);
            }
            // a short first pause for workflows of server tasks, then at most ten looks a second
            sleep(Math.min(pause, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
            pause = Math.min(pause * 2, 100);
        }
    }

    /** The first WAIT task still waiting for a signal, in {@code w} or (depth first) its running sub-workflows. */
    Optional<Blocking> waiting(TenantId tenant, Workflow w) {
        return blocking(tenant, w, List.of(), 0);
    }

    private Optional<Blocking> blocking(TenantId tenant, Workflow w, List<String> taskRefs, int depth) {
        for (Task t : w.getTasks()) {
            boolean waits = WAITING_TYPES.contains(t.getTaskType()) && !t.getStatus().isTerminal()
                    && t.getWaitUntil() == null;
            boolean named = t.getStatus().isTerminal() && taskRefs.stream()
                    .anyMatch(ref -> ref.trim().equals(t.getReferenceTaskName()));
            if (waits || named) {
                return Optional.of(new Blocking(w, t));
            }
            if (t.getSubWorkflowId() != null && !t.getStatus().isTerminal() && depth < MAX_DEPTH) {
                Workflow child;
                try {
                    child = workflows.get(tenant, t.getSubWorkflowId(), true);
                } catch (EngineException gone) {
                    continue;
                }
                Optional<Blocking> inside = blocking(tenant, child, taskRefs, depth + 1);
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, Object> response(Workflow target, Optional<Blocking> blocking, ReturnStrategy strategy,
            String requestId, boolean timedOut) {
        Map<String, Object> r;
        if (blocking.isPresent() && (strategy == ReturnStrategy.BLOCKING_TASK
                || strategy == ReturnStrategy.BLOCKING_TASK_INPUT)) {
            r = taskRun(blocking.get().task(), blocking.get().workflow());
        } else {
            r = workflowRun(strategy == ReturnStrategy.BLOCKING_WORKFLOW && blocking.isPresent()
                    ? blocking.get().workflow() : target);
        }
        r.put("responseType", strategy);
        r.put("targetWorkflowId", target.getWorkflowId().toString());
        r.put("targetWorkflowStatus", target.getStatus().name());
        r.put("requestId", requestId);
        r.put("signalTimeout", timedOut);
        return r;
    }

    private static Map<String, Object> workflowRun(Workflow w) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("workflowId", w.getWorkflowId().toString());
        run.put("correlationId", w.getCorrelationId());
        run.put("input", w.getInput());
        run.put("output", w.getOutput());
        run.put("createdBy", w.getCreatedBy());
        run.put("priority", w.getPriority());
        run.put("variables", w.getVariables());
        run.put("status", w.getStatus());
        run.put("tasks", new ArrayList<>(w.getTasks()));
        run.put("createTime", w.getCreateTime());
        run.put("updateTime", w.getUpdateTime());
        return run;
    }

    private static Map<String, Object> taskRun(Task t, Workflow w) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("taskType", t.reportedTaskType());
        run.put("taskId", t.getTaskId().toString());
        run.put("referenceTaskName", t.getReferenceTaskName());
        run.put("retryCount", t.getRetryCount());
        run.put("taskDefName", t.getTaskDefName());
        run.put("retriedTaskId", t.getRetriedTaskId() == null ? null : t.getRetriedTaskId().toString());
        run.put("workflowType", t.getWorkflowType());
        run.put("reasonForIncompletion", t.getReasonForIncompletion());
        run.put("priority", t.getWorkflowPriority());
        run.put("workflowId", w.getWorkflowId().toString());
        run.put("correlationId", w.getCorrelationId());
        run.put("status", t.getStatus());
        run.put("input", t.getInputData());
        run.put("output", t.getOutputData());
        run.put("createdBy", t.getWorkerId());
        run.put("createTime", t.getStartTime());
        run.put("updateTime", t.getUpdateTime());
        return run;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
