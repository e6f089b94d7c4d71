package dev.baton.engine.api;

import dev.baton.engine.api.definition.WorkflowDef;

/**
 * A workflow a task starts, as its definition names it: by name (which may be an expression, known only at run time),
 * or as an inline definition.
 */
public record WorkflowStart(String name, WorkflowDef inlineDefinition) {}
