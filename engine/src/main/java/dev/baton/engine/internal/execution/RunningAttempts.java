package dev.baton.engine.internal.execution;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The asynchronous server-task attempts running on this node, so a cancelled task's attempt can be interrupted. */
public final class RunningAttempts {

    private final Map<UUID, Thread> running = new ConcurrentHashMap<>();

    void started(UUID taskId) {
        running.put(taskId, Thread.currentThread());
    }

    void ended(UUID taskId) {
        running.remove(taskId, Thread.currentThread());
    }

    /** Interrupts the attempt of {@code taskId} if it runs here; one on another node ends and is dropped as stale. */
    void interrupt(UUID taskId) {
        Thread t = running.get(taskId);
        if (t != null) {
            t.interrupt();
        }
    }

    /** How many attempts run here now. */
    public int size() {
        return running.size();
    }
}
