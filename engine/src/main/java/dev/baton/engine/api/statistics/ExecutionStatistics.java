package dev.baton.engine.api.statistics;

import dev.baton.tenancy.TenantId;

/** Figures about one tenant's executions over a time window, computed from PostgreSQL for the metrics page. */
public interface ExecutionStatistics {

    /** The figures of {@code query}'s window, limited to the workflow types it names (all when it names none). */
    ExecutionFigures figures(TenantId tenant, StatisticsQuery query);
}
