package dev.baton.catalog;

/**
 * How one version of an entry is used: the workflow definitions whose tasks resolve to it now, and its tasks over
 * the last seven days (attempts, failure rate, median and 95th percentile duration in ms; null when none ended).
 */
public record VersionUsage(String version, VersionStatus status, int workflows, long runs, double failureRate,
        Double p50Millis, Double p95Millis) {}
