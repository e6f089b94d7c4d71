package dev.baton.engine.internal.execution;

import dev.baton.tenancy.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The asynchronous server-task attempts running on this node, so a cancelled task's attempt can be interrupted:
 * at once when the cancelling decision runs here, at the worker's next check when it ran on another node.
 */
public final class RunningAttempts {

    private record Attempt(Thread thread, TenantId tenant) {}

    private final Map<UUID, Attempt> running = new ConcurrentHashMap<>();

    void started(UUID taskId, TenantId tenant) {
        running.put(taskId, new Attempt(Thread.currentThread(), tenant));
    }

    void ended(UUID taskId) {
        running.computeIfPresent(taskId, (id, a) -> a.thread == Thread.currentThread() ? null : a);
    }

    /** Interrupts the attempt of {@code taskId} if it runs here. */
    void interrupt(UUID taskId) {
        Attempt a = running.get(taskId);
        if (a != null) {
            a.thread.interrupt();
        }
    }

    /** The tasks whose attempts run here now, by tenant. */
    Map<TenantId, List<UUID>> byTenant() {
        Map<TenantId, List<UUID>> out = new HashMap<>();
        running.forEach((id, a) -> out.computeIfAbsent(a.tenant, t -> new ArrayList<>()).add(id));
        return out;
    }

    /** How many attempts run here now. */
    public int size() {
        return running.size();
    }
}
