package dev.baton.engine.internal.execution;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.systemtask.WaitTimes;

/**
 * WAIT and HUMAN: the task stays IN_PROGRESS until it is signalled through the task API, or, for WAIT with a
 * {@code duration} or {@code until} input, until the timer sweeper completes it at that time.
 */
final class WaitTask implements SystemTask {

    @Override
    public boolean execute(WorkflowRun run, Task task) {
        if (task.getStatus() != TaskStatus.SCHEDULED) {
            return false;
        }
        task.setStatus(TaskStatus.IN_PROGRESS);
        task.setStarted(run.now);
        task.setFirstStarted(run.now);
        try {
            Object duration = task.getInputData().get("duration");
            Object until = task.getInputData().get("until");
            if (duration != null) {
                task.setWaitUntil(run.now.plus(WaitTimes.parseDuration(String.valueOf(duration))));
            } else if (until != null) {
                task.setWaitUntil(WaitTimes.parseInstant(String.valueOf(until)));
            }
        } catch (IllegalArgumentException e) {
            TaskScheduler.fail(run, task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, e.getMessage());
        }
        run.changed(task);
        return true;
    }
}
