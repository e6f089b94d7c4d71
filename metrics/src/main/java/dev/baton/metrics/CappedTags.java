package dev.baton.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tag values that tenants choose (tenant ids, task types), capped: the first {@code max} values seen keep their own
 * series, later ones share {@value #OTHER}, so no tenant can grow a node's meters or a Prometheus server's series
 * without bound.
 */
public final class CappedTags {

    /** The value every tag past the cap shares. */
    public static final String OTHER = "other";

    private final int max;
    private final Set<String> kept = ConcurrentHashMap.newKeySet();

    public CappedTags(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the cap must be at least 1, not " + max);
        }
        this.max = max;
    }

    /** The tag for {@code value}: itself while there is room or it already has a series, else {@value #OTHER}. */
    public String of(String value) {
        if (value == null || value.isEmpty()) {
            return OTHER;
        }
        if (kept.contains(value)) {
            return value;
        }
        synchronized (kept) {
            if (kept.size() < max) {
                kept.add(value);
                return value;
            }
        }
        return kept.contains(value) ? value : OTHER;
    }
}
