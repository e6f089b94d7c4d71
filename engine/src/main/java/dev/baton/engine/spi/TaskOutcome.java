package dev.baton.engine.spi;

import dev.baton.engine.api.execution.TaskStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** How one attempt of an asynchronous task ended: its status, output and, when it failed, why. */
public record TaskOutcome(TaskStatus status, Map<String, Object> output, String reason) {

    public TaskOutcome {
        if (status != TaskStatus.COMPLETED && status != TaskStatus.FAILED
                && status != TaskStatus.FAILED_WITH_TERMINAL_ERROR) {
            throw new IllegalArgumentException("an attempt ends COMPLETED, FAILED or FAILED_WITH_TERMINAL_ERROR");
        }
        output = output == null ? new LinkedHashMap<>() : new LinkedHashMap<>(output);
    }

    public static TaskOutcome completed(Map<String, Object> output) {
        return new TaskOutcome(TaskStatus.COMPLETED, output, null);
    }

    /** A failure that a retry may cure (the peer was down, answered 503, timed out). */
    public static TaskOutcome failed(String reason, Map<String, Object> output) {
        return new TaskOutcome(TaskStatus.FAILED, output, reason);
    }

    /** A failure no retry cures (bad input, a refused address). */
    public static TaskOutcome failedForGood(String reason, Map<String, Object> output) {
        return new TaskOutcome(TaskStatus.FAILED_WITH_TERMINAL_ERROR, output, reason);
    }
}
