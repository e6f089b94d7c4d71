package dev.baton.engine.spi;

import java.time.Duration;

/**
 * A task type that waits on the outside world (HTTP, mail, databases, containers). Its tasks are queued like worker
 * tasks and run by the server's own system-task worker, outside any workflow lock or transaction, under the same
 * at-least-once, timeout, retry and stale-update rules as external workers.
 *
 * @param <I> the typed input: the task's resolved input is converted to it before every attempt, and a conversion
 *            or validation failure fails the task terminally with the field named
 */
public interface AsyncTaskHandler<I> extends TaskHandler {

    /** The type the resolved input is converted to. */
    Class<I> inputType();

    /** Longest one attempt may run; the worker interrupts it then and fails the attempt (which may be retried). */
    default Duration maxDuration() {
        return Duration.ofMinutes(5);
    }

    /**
     * Runs one attempt. A thrown {@link InputException} fails the task terminally; an interrupt means the attempt was
     * cancelled or ran out of time; any other exception fails the attempt with its message.
     */
    TaskOutcome execute(I input, TaskCall call) throws Exception;
}
