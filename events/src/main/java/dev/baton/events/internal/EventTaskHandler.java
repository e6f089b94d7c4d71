package dev.baton.events.internal;

import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import dev.baton.events.Broker;
import dev.baton.events.EventHandlers;
import dev.baton.events.EventPublisher;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * EVENT, Conductor's: publishes the task's input, with its workflow's id, type, version and correlation id, to its
 * {@code sink}, and completes with that payload and {@code event_produced}. The sink {@code conductor} is the
 * event {@code conductor:<workflow>:<task reference>} and {@code conductor:<name>} is
 * {@code conductor:<workflow>:<name>}, handled by this tenant's handlers; {@code amqp:<queue>} or
 * {@code nats:<subject>} go to that broker. The message is written in the decision's transaction, so it exists
 * exactly when the task completed. With {@code asyncComplete} the task stays IN_PROGRESS until it is updated.
 */
public final class EventTaskHandler implements TaskHandler {

    private final EventPublisher publisher;
    private final Set<String> brokerTypes;

    public EventTaskHandler(EventPublisher publisher, Set<String> brokerTypes) {
        this.publisher = publisher;
        this.brokerTypes = brokerTypes;
    }

    @Override
    public String type() {
        return "EVENT";
    }

    @Override
    public boolean takesExternalUpdates() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        Object sink = task.inputParameters().get("sink");
        String field = check.path() + ".inputParameters.sink";
        check.require(sink instanceof String, field, "is required: conductor, conductor:<name>, amqp:<queue> or "
                + "nats:<subject>");
        if (sink instanceof String s && check.isLiteral(s)) {
            check.require(sinkProblem(s) == null, field, String.valueOf(sinkProblem(s)));
        }
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        if (task.getStatus() != TaskStatus.SCHEDULED) {
            return false;
        }
        Object sinkValue = task.getInputData().get("sink");
        String sink = sinkValue instanceof String s ? s : null;
        String problem = sink == null ? "no sink: the input 'sink' is required" : sinkProblem(sink);
        if (problem != null) {
            run.fail(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, "Invalid / Unsupported sink specified: " + sink
                    + " (" + problem + ")");
            return true;
        }
        Workflow w = run.workflow();
        Map<String, Object> payload = new LinkedHashMap<>(task.getInputData());
        payload.put("workflowInstanceId", w.getWorkflowId().toString());
        payload.put("workflowType", w.getWorkflowName());
        payload.put("workflowVersion", w.getWorkflowVersion());
        payload.put("correlationId", w.getCorrelationId());
        String event;
        if (sink.equals(EventHandlers.CONDUCTOR)) {
            event = EventHandlers.CONDUCTOR + ":" + w.getWorkflowName() + ":" + task.getReferenceTaskName();
        } else if (sink.startsWith(EventHandlers.CONDUCTOR + ":")) {
            event = EventHandlers.CONDUCTOR + ":" + w.getWorkflowName() + ":"
                    + sink.substring(EventHandlers.CONDUCTOR.length() + 1);
        } else {
            event = sink;
        }
        if (event.startsWith(EventHandlers.CONDUCTOR + ":")) {
            publisher.publish(run.tenant(), event, payload);
        } else {
            publisher.publishOut(run.tenant(), event, payload);
        }
        Map<String, Object> output = new LinkedHashMap<>(payload);
        output.put("event_produced", event);
        if (task.getWorkflowTask() != null && Boolean.TRUE.equals(task.getWorkflowTask().asyncComplete())) {
            task.setStatus(TaskStatus.IN_PROGRESS);
            task.setStarted(run.now());
            task.setFirstStarted(run.now());
            task.setOutputData(output);
            run.changed(task);
        } else {
            run.complete(task, output);
        }
        return true;
    }

    /** Why {@code sink} cannot be published to; null when it can. */
    private String sinkProblem(String sink) {
        if (sink.equals(EventHandlers.CONDUCTOR)) {
            return null;
        }
        int colon = sink.indexOf(':');
        if (colon <= 0 || colon == sink.length() - 1 || sink.length() > 512) {
            return "a sink is conductor, conductor:<name> or <broker>:<destination>, at most 512 characters";
        }
        String type = sink.substring(0, colon);
        if (!type.equals(EventHandlers.CONDUCTOR) && !brokerTypes.contains(type)) {
            return "no broker of type '" + type + "' is configured";
        }
        if (!type.equals(EventHandlers.CONDUCTOR) && !Broker.DESTINATION.matcher(sink.substring(colon + 1)).matches()) {
            return "a broker's queue or subject is dot-separated words of letters, digits, '_' and '-', without "
                    + "wildcards, at most 200 characters";
        }
        return null;
    }
}
