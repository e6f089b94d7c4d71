package dev.baton.events.internal;

import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import dev.baton.events.Broker;
import dev.baton.events.EventHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * WAIT_FOR_EVENTS, beyond Conductor: waits for messages of several named events, all of them ({@code mode} ALL,
 * the default) or the first (ANY), each one whose payload holds every field of {@code match} with the same value;
 * completes with {@code events}: each event's payload. The wait is written in the decision that starts the task,
 * so no message committed after that decision is missed; a message that arrived earlier is not waited for.
 */
public final class WaitForEventsHandler implements TaskHandler {

    /** Most events one task waits for. */
    static final int MAX_EVENTS = 20;

    private final WaitStore waits;
    private final Set<String> sourceTypes;

    public WaitForEventsHandler(WaitStore waits, Set<String> sourceTypes) {
        this.waits = waits;
        this.sourceTypes = sourceTypes;
    }

    @Override
    public String type() {
        return "WAIT_FOR_EVENTS";
    }

    @Override
    public boolean takesExternalUpdates() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String at = check.path() + ".inputParameters.";
        Object events = task.inputParameters().get("events");
        check.require(events instanceof List<?> || events instanceof String s && !check.isLiteral(s), at + "events",
                "is required: a list of 1 to " + MAX_EVENTS + " event names, like conductor:orders:paid");
        if (events instanceof List<?> list) {
            check.require(!list.isEmpty() && list.size() <= MAX_EVENTS, at + "events", "must name 1 to "
                    + MAX_EVENTS + " events");
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof String e && check.isLiteral(e)) {
                    String problem = eventProblem(e);
                    check.require(problem == null, at + "events[" + i + "]", String.valueOf(problem));
                }
            }
        }
        Object mode = task.inputParameters().get("mode");
        check.require(mode == null || "ALL".equals(mode) || "ANY".equals(mode)
                || mode instanceof String s && !check.isLiteral(s), at + "mode", "must be ALL or ANY");
        Object match = task.inputParameters().get("match");
        check.require(match == null || match instanceof Map<?, ?> || match instanceof String s && !check.isLiteral(s),
                at + "match", "must be an object of payload fields and the values they must have");
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        if (task.getStatus() != TaskStatus.SCHEDULED) {
            return false;
        }
        Map<String, Object> in = task.getInputData();
        List<String> events = new ArrayList<>();
        String problem = null;
        if (in.get("events") instanceof List<?> list && !list.isEmpty() && list.size() <= MAX_EVENTS) {
            for (Object e : list) {
                String p = e instanceof String s ? eventProblem(s) : "an event name is text";
                if (p != null) {
                    problem = "events: " + p;
                    break;
                }
                events.add((String) e);
            }
        } else {
            problem = "events must name 1 to " + MAX_EVENTS + " events";
        }
        Object mode = in.getOrDefault("mode", "ALL");
        if (problem == null && !"ALL".equals(mode) && !"ANY".equals(mode)) {
            problem = "mode must be ALL or ANY, not " + mode;
        }
        Object match = in.get("match");
        if (problem == null && match != null && !(match instanceof Map<?, ?>)) {
            problem = "match must be an object";
        }
        if (problem != null) {
            run.fail(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, problem);
            return true;
        }
        task.setStatus(TaskStatus.IN_PROGRESS);
        task.setStarted(run.now());
        task.setFirstStarted(run.now());
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = match == null ? Map.of() : (Map<String, Object>) match;
        waits.register(run.tenant().value(), task.getTaskId(), run.workflow().getWorkflowId(),
                task.getReferenceTaskName(), events, "ALL".equals(mode), fields);
        run.changed(task);
        return true;
    }

    @Override
    public void cancel(WorkflowContext run, Task task) {
        waits.release(task.getTaskId());
    }

    private String eventProblem(String event) {
        int colon = event.indexOf(':');
        if (colon <= 0 || colon == event.length() - 1 || event.length() > 512) {
            return "'" + event + "' is not type:name, like conductor:orders:paid";
        }
        String type = event.substring(0, colon);
        if (!sourceTypes.contains(type)) {
            return "no event source of type '" + type + "' is configured";
        }
        if (!type.equals(EventHandlers.CONDUCTOR) && !Broker.DESTINATION.matcher(event.substring(colon + 1))
                .matches()) {
            return "a broker's queue or subject is dot-separated words without wildcards";
        }
        return null;
    }
}
