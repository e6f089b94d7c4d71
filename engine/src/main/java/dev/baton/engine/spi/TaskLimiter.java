package dev.baton.engine.spi;

import java.util.List;

/**
 * Holds task definitions' {@code concurrentExecLimit} and {@code rateLimitPerFrequency} for polls in a store shared
 * by every server node (Redis), in place of counting the tasks' rows under a lock. Without one, PostgreSQL holds
 * them ({@code poll_tasks}).
 */
public interface TaskLimiter {

    /**
     * A type's limits, as its registered definition gives them.
     *
     * @param concurrency most of the type's tasks in progress at once in the tenant; 0 for no limit
     * @param perWindow most handed out per {@code windowSeconds}; 0 for no limit
     * @param leaseSeconds how long a concurrency permit lasts unless its task reports again (its response timeout)
     */
    record Limits(int concurrency, int perWindow, int windowSeconds, long leaseSeconds) {

        public boolean any() {
            return concurrency > 0 || perWindow > 0;
        }
    }

    /**
     * Takes room for up to {@code wanted} tasks of {@code taskType}: one entry per task that may start now, each the
     * reference of the concurrency permit it holds (null when the type has no concurrency limit). Fewer entries
     * than wanted when the limits are reached.
     */
    List<String> admit(String tenant, String taskType, Limits limits, int wanted);

    /** Gives back the permits of tasks that no longer run (or never started). */
    void release(List<String> permits);

    /** Keeps the permit of a task that reported it still runs for another {@code leaseSeconds}. */
    void extend(String permit, long leaseSeconds);
}
