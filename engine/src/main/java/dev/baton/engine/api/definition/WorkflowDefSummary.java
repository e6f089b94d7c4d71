package dev.baton.engine.api.definition;

/** One version of a workflow definition without its body, as Conductor's {@code names-and-versions} lists it. */
public record WorkflowDefSummary(String name, int version, Long createTime) {}
