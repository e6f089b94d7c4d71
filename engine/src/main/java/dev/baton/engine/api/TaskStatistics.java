package dev.baton.engine.api;

import dev.baton.tenancy.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Figures about finished tasks, for the catalog's usage view. */
public interface TaskStatistics {

    /** Per version of catalog entry {@code entry}, the attempts of its tasks that ended since {@code since}. */
    List<CatalogTaskStats> catalogTaskStats(TenantId tenant, String entry, Instant since);

    /** Per catalog entry, how many attempts of its tasks ended since {@code since}. */
    Map<String, Long> catalogRuns(TenantId tenant, Instant since);
}
