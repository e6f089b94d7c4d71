package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** Input and output to record on a task that is skipped. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SkipTaskRequest(Map<String, Object> taskInput, Map<String, Object> taskOutput) {}
