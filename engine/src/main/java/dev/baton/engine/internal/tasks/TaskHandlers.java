package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.TaskTypes;
import dev.baton.engine.api.WorkflowStart;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.spi.AsyncTaskHandler;
import dev.baton.engine.spi.TaskHandler;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** Every task handler by type name and alias; two handlers claiming one name stop the server from starting. */
public final class TaskHandlers implements TaskTypes {

    /** Queues of asynchronous server tasks start with this; no task or domain name can, so no worker polls them. */
    public static final String SERVER_QUEUE_PREFIX = "#";

    private final Map<String, TaskHandler> byName = new HashMap<>();

    public TaskHandlers(List<TaskHandler> handlers) {
        for (TaskHandler h : handlers) {
            register(h.type(), h);
            h.aliases().forEach(alias -> register(alias, h));
        }
    }

    private void register(String name, TaskHandler h) {
        TaskHandler previous = byName.putIfAbsent(name, h);
        if (previous != null) {
            throw new IllegalStateException("task type " + name + " is claimed by both "
                    + previous.getClass().getName() + " and " + h.getClass().getName());
        }
    }

    /** The handler of {@code type}, or null for a worker task type. */
    public TaskHandler find(String type) {
        return type == null ? null : byName.get(type);
    }

    /** The asynchronous handler of {@code type}, or null. */
    public AsyncTaskHandler<?> async(String type) {
        return find(type) instanceof AsyncTaskHandler<?> a ? a : null;
    }

    /** The queue an asynchronous server task waits in for the system-task worker. */
    public static String serverQueue(String type) {
        return SERVER_QUEUE_PREFIX + type;
    }

    public static boolean isServerQueue(String queue) {
        return queue != null && queue.startsWith(SERVER_QUEUE_PREFIX);
    }

    /** A queue workers poll: a task with one is run by a worker, not by the server. */
    public static boolean isWorkerQueue(String queue) {
        return queue != null && !isServerQueue(queue);
    }

    public TaskHandler.ChildFlow childFlow(String type) {
        TaskHandler h = find(type);
        return h == null ? TaskHandler.ChildFlow.STOP : h.childFlow();
    }

    @Override
    public boolean runsInServer(String type) {
        return byName.containsKey(type);
    }

    @Override
    public List<WorkflowStart> workflowsStartedBy(WorkflowTask task) {
        TaskHandler h = find(task.typeOrSimple());
        return h == null ? List.of() : h.workflowsStarted(task);
    }

    @Override
    public SortedSet<String> serverTypes() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet()));
    }
}
