package dev.baton.engine.api.statistics;

import java.time.Instant;
import java.util.List;

/**
 * One tenant's execution figures over a window.
 *
 * @param from the window's first hour
 * @param to the window's end, exclusive
 * @param hourly per hour of the window, oldest first, every hour present
 * @param durations per workflow type that completed in the window, by name
 * @param taskTypes per task type with queued or running work now, by name
 * @param outliers the workflows that stand out
 */
public record ExecutionFigures(Instant from, Instant to, List<HourlyCounts> hourly, List<DurationFigures> durations,
        List<TaskTypeLoad> taskTypes, Outliers outliers) {

    /**
     * Workflows started, completed and failed in one hour.
     *
     * @param failed ended as FAILED or TIMED_OUT (a TERMINATED workflow was stopped on purpose and is not counted)
     */
    public record HourlyCounts(Instant hour, long started, long completed, long failed) {}

    /** How long the workflows of one type that completed in the window took, start to end, in milliseconds. */
    public record DurationFigures(String workflowType, long completed, long p50Millis, long p95Millis,
            long p99Millis) {}

    /**
     * The load on one task type now.
     *
     * @param queued tasks waiting in its queue
     * @param inProgress tasks a worker holds
     * @param activeWorkers distinct workers holding one of its tasks or having taken one in the last five minutes
     */
    public record TaskTypeLoad(String taskType, long queued, long inProgress, long activeWorkers) {}

    /**
     * The workflows that stand out.
     *
     * @param longestRunning running or paused workflows, oldest first; value: milliseconds since start
     * @param mostRetried workflows started in the window with the most retried task attempts (automatic retries and
     *     an operator's retry alike); value: retried attempts
     * @param stuck running workflows without any change for longer than the query's stuckAfter; value: idle
     *     milliseconds
     * @param mostFailing workflow types with the most failed ends in the window
     */
    public record Outliers(List<Outlier> longestRunning, List<Outlier> mostRetried, List<Outlier> stuck,
            List<FailingType> mostFailing) {}

    /** One workflow and the figure it stands out by. */
    public record Outlier(String workflowId, String workflowType, String status, Instant startTime,
            Instant updateTime, long value) {}

    /** A workflow type, how many of its workflows ended in the window and how many of those failed. */
    public record FailingType(String workflowType, long ended, long failed, double failureRate) {}
}
