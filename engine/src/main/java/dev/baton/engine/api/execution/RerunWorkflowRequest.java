package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** Which task to run a finished workflow again from, with optional new inputs. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RerunWorkflowRequest(
        String reRunFromWorkflowId,
        Map<String, Object> workflowInput,
        String reRunFromTaskId,
        Map<String, Object> taskInput,
        String correlationId) {}
