package dev.baton.engine.api.dryrun;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.baton.engine.api.execution.TaskStatus;
import java.util.Map;
import java.util.Set;

/** The outcome a dry run assumes for one attempt of a task it does not evaluate: COMPLETED unless told otherwise. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CannedOutcome(TaskStatus status, Map<String, Object> output, String reasonForIncompletion) {

    /** The statuses an attempt may be given: those a worker or a system task can end one with. */
    public static final Set<TaskStatus> STATUSES = Set.of(TaskStatus.COMPLETED, TaskStatus.FAILED,
            TaskStatus.FAILED_WITH_TERMINAL_ERROR, TaskStatus.TIMED_OUT);

    public CannedOutcome {
        status = status == null ? TaskStatus.COMPLETED : status;
        output = output == null ? Map.of() : output;
    }

    /** What a task is assumed to do when the request gave it nothing: complete with no output. */
    public static final CannedOutcome ASSUMED = new CannedOutcome(TaskStatus.COMPLETED, Map.of(), null);
}
