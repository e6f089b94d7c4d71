package dev.baton.ops.bench;

import java.util.List;

/**
 * An engine the driver runs a workload on, over its own HTTP API: ours, or the peer. {@code caller} is how the
 * engine knows who calls (a tenant's token for ours; the peer has one caller).
 */
interface Engine {

    /** A task handed to a worker: its ids, when it was queued (epoch milliseconds) and the number it carries. */
    record Task(String id, String instanceId, long queuedAtMillis, long n) {}

    /** Starts one instance of {@code workload} with input {@code n}; returns its id. */
    String start(String caller, Workload workload, long n);

    /** Waits up to {@code timeoutMillis} for at most {@code count} tasks of {@code taskType} and takes them. */
    List<Task> poll(String caller, String taskType, int count, long timeoutMillis);

    /** Completes a task taken by {@link #poll}, with the number it carried as output. */
    void complete(String caller, Task task);
}
