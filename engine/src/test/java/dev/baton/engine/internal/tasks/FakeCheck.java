package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.spi.DefinitionCheck;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A definition check at {@code tasks[0]} for handler tests: it refuses as the validator does, and records walks. */
final class FakeCheck implements DefinitionCheck {

    WorkflowTask next;
    boolean inLoop;
    final Set<String> before = new HashSet<>();
    final List<String> walked = new ArrayList<>();
    final List<String> scripts = new ArrayList<>();

    @Override
    public String path() {
        return "tasks[0]";
    }

    @Override
    public WorkflowTask nextSibling() {
        return next;
    }

    @Override
    public boolean inLoop() {
        return inLoop;
    }

    @Override
    public boolean runsBefore(String ref) {
        return before.contains(ref);
    }

    @Override
    public void require(boolean condition, String field, String message) {
        if (!condition) {
            throw EngineException.invalid(field, message);
        }
    }

    @Override
    public boolean isLiteral(Object value) {
        return !String.valueOf(value).contains("${");
    }

    @Override
    public void branches(List<List<WorkflowTask>> branches, List<String> fields) {
        walked.addAll(fields);
    }

    @Override
    public void loopBody(WorkflowTask loop, List<WorkflowTask> body, String field) {
        walked.add(field);
    }

    @Override
    public void script(String script, String field) {
        scripts.add(field);
    }

    @Override
    public void jq(String query, String field) {
        scripts.add(field);
    }

    @Override
    public EngineLimits limits() {
        return new EngineLimits(1000, 1000, 1000, 1000, 10, 4096);
    }

    /** The field a check refused, or null when it passed. */
    static String refusedField(Runnable check) {
        try {
            check.run();
            return null;
        } catch (EngineException e) {
            return e.field();
        }
    }
}
