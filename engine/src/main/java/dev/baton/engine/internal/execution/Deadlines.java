package dev.baton.engine.internal.execution;

import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import java.time.Instant;

/** When the timer sweeper must next look at a task: its earliest deadline that has not passed yet. */
final class Deadlines {

    private Deadlines() {}

    static Instant dueAt(Task t, Instant now) {
        if (t.getStatus().isTerminal()) {
            return null;
        }
        TaskDef def = t.taskDef();
        Instant due = null;
        if (t.getStatus() == TaskStatus.SCHEDULED && t.getQueue() != null) {
            if (t.getVisibleAt() != null && t.getVisibleAt().isAfter(now)) {
                due = t.getVisibleAt();
            }
            if (def.pollTimeoutSecondsOrZero() > 0) {
                due = min(due, t.getScheduled().plusSeconds(def.pollTimeoutSecondsOrZero()));
            }
        }
        if (t.getStatus() == TaskStatus.IN_PROGRESS) {
            due = min(due, t.getWaitUntil());
            if (t.getQueue() != null && t.getUpdated() != null) {
                due = min(due, t.getUpdated().plusSeconds(t.getResponseTimeoutSeconds()));
            }
            if (def.timeoutSecondsOrZero() > 0 && t.getFirstStarted() != null) {
                Instant timeout = t.getFirstStarted().plusSeconds(def.timeoutSecondsOrZero());
                boolean alerted = def.timeoutPolicyOrDefault() == TaskDef.TimeoutPolicy.ALERT_ONLY && !timeout.isAfter(now);
                if (!alerted) {
                    due = min(due, timeout);
                }
            }
        }
        return due;
    }

    private static Instant min(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }
}
