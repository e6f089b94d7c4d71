package dev.baton.engine.api;

/**
 * How the tasks run for one version of a catalog entry went over a period: attempts, failed attempts, and the
 * median and 95th percentile of their durations in milliseconds (null when none ended).
 */
public record CatalogTaskStats(String version, long runs, long failures, Double p50Millis, Double p95Millis) {

    /** Failed attempts per attempt, 0 when nothing ran. */
    public double failureRate() {
        return runs == 0 ? 0 : (double) failures / runs;
    }
}
