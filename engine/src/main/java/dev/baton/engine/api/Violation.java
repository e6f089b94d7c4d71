package dev.baton.engine.api;

/** One thing wrong with a request: the field at fault, as a path like {@code tasks[2].inputParameters.to}, and why. */
public record Violation(String field, String reason) {}
