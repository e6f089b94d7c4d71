package dev.baton.engine.api.statistics;

import dev.baton.engine.api.EngineException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * What the figures are about.
 *
 * @param from the first hour of the window (rounded down to the hour)
 * @param to the end of the window, exclusive (rounded up to the hour)
 * @param workflowTypes the workflow names to count; null for every one
 * @param stuckAfter how long a running workflow may go without any change before it counts as stuck
 * @param outliers how many workflows each outlier list holds at most
 */
public record StatisticsQuery(Instant from, Instant to, Set<String> workflowTypes, Duration stuckAfter, int outliers) {

    /** The longest window: a month of hourly buckets. */
    public static final Duration LONGEST_WINDOW = Duration.ofDays(31);

    /** The most workflows an outlier list may ask for. */
    public static final int MOST_OUTLIERS = 100;

    public StatisticsQuery {
        if (from == null || to == null) {
            throw EngineException.invalid(from == null ? "from" : "to", "is required");
        }
        from = from.truncatedTo(ChronoUnit.HOURS);
        Instant down = to.truncatedTo(ChronoUnit.HOURS);
        to = down.equals(to) ? to : down.plus(Duration.ofHours(1));
        if (!to.isAfter(from)) {
            throw EngineException.invalid("to", "must be after from");
        }
        if (Duration.between(from, to).compareTo(LONGEST_WINDOW) > 0) {
            throw EngineException.invalid("to", "the window may span at most " + LONGEST_WINDOW.toDays() + " days");
        }
        if (stuckAfter == null || stuckAfter.isNegative() || stuckAfter.isZero()) {
            throw EngineException.invalid("stuckAfter", "must be a positive duration");
        }
        if (outliers < 1 || outliers > MOST_OUTLIERS) {
            throw EngineException.invalid("outliers", "must be between 1 and " + MOST_OUTLIERS);
        }
        workflowTypes = workflowTypes == null ? null : Set.copyOf(workflowTypes);
    }
}
