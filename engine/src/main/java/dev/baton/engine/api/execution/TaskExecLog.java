package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One log line a worker attached to a task. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskExecLog(String log, String taskId, long createdTime) {}
