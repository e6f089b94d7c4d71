package dev.baton.engine.internal.execution;

import dev.baton.engine.api.statistics.ExecutionFigures;
import dev.baton.engine.api.statistics.ExecutionFigures.DurationFigures;
import dev.baton.engine.api.statistics.ExecutionFigures.FailingType;
import dev.baton.engine.api.statistics.ExecutionFigures.HourlyCounts;
import dev.baton.engine.api.statistics.ExecutionFigures.Outlier;
import dev.baton.engine.api.statistics.ExecutionFigures.Outliers;
import dev.baton.engine.api.statistics.ExecutionFigures.TaskTypeLoad;
import dev.baton.engine.api.statistics.ExecutionStatistics;
import dev.baton.engine.api.statistics.StatisticsQuery;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Execution figures straight from the execution tables, inside the tenant's row-level-security context. Each figure
 * is one aggregate query over indexed columns (tenant, name, status, created_at); the window is at most a month.
 */
public final class ExecutionMetrics implements ExecutionStatistics {

    private static final String FAILED = "status IN ('FAILED', 'TIMED_OUT')";
    private static final String ACTIVE_WORKER_WINDOW = "interval '5 minutes'";

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final Clock clock;

    public ExecutionMetrics(TenantTransactions tx, JdbcClient jdbc, Clock clock) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public ExecutionFigures figures(TenantId tenant, StatisticsQuery q) {
        Instant now = clock.instant();
        return tx.read(tenant, () -> new ExecutionFigures(q.from(), q.to(), hourly(q), durations(q), load(q),
                new Outliers(longestRunning(q, now), mostRetried(q), stuck(q, now), mostFailing(q))));
    }

    private List<HourlyCounts> hourly(StatisticsQuery q) {
        return statement(q, """
                WITH started AS (
                    SELECT date_trunc('hour', created_at, 'UTC') AS hour, count(*) AS n FROM workflows
                    WHERE created_at >= :from AND created_at < :to %1$s GROUP BY 1),
                ended AS (
                    SELECT date_trunc('hour', ended_at, 'UTC') AS hour,
                           count(*) FILTER (WHERE status = 'COMPLETED') AS completed,
                           count(*) FILTER (WHERE %2$s) AS failed
                    FROM workflows WHERE ended_at >= :from AND ended_at < :to %1$s GROUP BY 1)
                SELECT h.hour, coalesce(s.n, 0), coalesce(e.completed, 0), coalesce(e.failed, 0)
                FROM generate_series(:from, :lastHour, interval '1 hour') AS h(hour)
                LEFT JOIN started s ON s.hour = h.hour LEFT JOIN ended e ON e.hour = h.hour
                ORDER BY h.hour""".formatted(scope(q, "name"), FAILED))
                .param("lastHour", ts(q.to().minus(Duration.ofHours(1))))
                .query((rs, i) -> new HourlyCounts(instant(rs, 1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .list();
    }

    private List<DurationFigures> durations(StatisticsQuery q) {
        return statement(q, """
                SELECT name, count(*),
                       percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY (extract(epoch FROM ended_at - created_at) * 1000)::bigint)
                FROM workflows
                WHERE status = 'COMPLETED' AND ended_at >= :from AND ended_at < :to %s
                GROUP BY name ORDER BY name""".formatted(scope(q, "name")))
                .query((rs, i) -> {
                    Long[] p = (Long[]) rs.getArray(3).getArray();
                    return new DurationFigures(rs.getString(1), rs.getLong(2), p[0], p[1], p[2]);
                })
                .list();
    }

    private List<TaskTypeLoad> load(StatisticsQuery q) {
        return statement(q, """
                SELECT task_def_name,
                       count(*) FILTER (WHERE status = 'SCHEDULED'),
                       count(*) FILTER (WHERE status = 'IN_PROGRESS'),
                       count(DISTINCT worker_id) FILTER (WHERE worker_id IS NOT NULL AND (status = 'IN_PROGRESS'
                           OR started_at >= now() - %2$s))
                FROM tasks
                WHERE queue IS NOT NULL AND (status IN ('SCHEDULED', 'IN_PROGRESS')
                    OR started_at >= now() - %2$s) %1$s
                GROUP BY task_def_name ORDER BY task_def_name""".formatted(scope(q, "workflow_type"),
                        ACTIVE_WORKER_WINDOW))
                .query((rs, i) -> new TaskTypeLoad(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .list();
    }

    private List<Outlier> longestRunning(StatisticsQuery q, Instant now) {
        return statement(q, """
                SELECT id, name, status, created_at, updated_at,
                       (extract(epoch FROM (:now - created_at)) * 1000)::bigint
                FROM workflows WHERE status IN ('RUNNING', 'PAUSED') %s
                ORDER BY created_at, id LIMIT :limit""".formatted(scope(q, "name")))
                .param("now", ts(now))
                .query(ExecutionMetrics::outlier).list();
    }

    private List<Outlier> mostRetried(StatisticsQuery q) {
        return statement(q, """
                SELECT w.id, w.name, w.status, w.created_at, w.updated_at, r.retries
                FROM (SELECT t.workflow_id, count(*) AS retries FROM tasks t
                      JOIN workflows w ON w.id = t.workflow_id
                      WHERE t.retried AND w.created_at >= :from AND w.created_at < :to %s
                      GROUP BY t.workflow_id) r
                JOIN workflows w ON w.id = r.workflow_id
                ORDER BY r.retries DESC, w.created_at, w.id LIMIT :limit""".formatted(scope(q, "w.name")))
                .query(ExecutionMetrics::outlier).list();
    }

    private List<Outlier> stuck(StatisticsQuery q, Instant now) {
        return statement(q, """
                SELECT id, name, status, created_at, updated_at,
                       (extract(epoch FROM (:now - updated_at)) * 1000)::bigint
                FROM workflows WHERE status = 'RUNNING' AND updated_at < :idleSince %s
                ORDER BY updated_at, id LIMIT :limit""".formatted(scope(q, "name")))
                .param("now", ts(now))
                .param("idleSince", ts(now.minus(q.stuckAfter())))
                .query(ExecutionMetrics::outlier).list();
    }

    private List<FailingType> mostFailing(StatisticsQuery q) {
        return statement(q, """
                SELECT name, count(*), count(*) FILTER (WHERE %2$s) AS failed
                FROM workflows WHERE ended_at >= :from AND ended_at < :to %1$s
                GROUP BY name HAVING count(*) FILTER (WHERE %2$s) > 0
                ORDER BY failed DESC, name LIMIT :limit""".formatted(scope(q, "name"), FAILED))
                .query((rs, i) -> new FailingType(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        (double) rs.getLong(3) / rs.getLong(2)))
                .list();
    }

    /** A statement with the query's window, limit and workflow types bound, whichever of them it uses. */
    private JdbcClient.StatementSpec statement(StatisticsQuery q, String sql) {
        JdbcClient.StatementSpec spec = jdbc.sql(sql);
        if (sql.contains(":from")) {
            spec = spec.param("from", ts(q.from())).param("to", ts(q.to()));
        }
        if (sql.contains(":limit")) {
            spec = spec.param("limit", q.outliers());
        }
        if (q.workflowTypes() != null) {
            spec = spec.param("types", q.workflowTypes().toArray(String[]::new));
        }
        return spec;
    }

    private static String scope(StatisticsQuery q, String column) {
        return q.workflowTypes() == null ? "" : "AND " + column + " = ANY (:types)";
    }

    private static Outlier outlier(ResultSet rs, int row) throws SQLException {
        return new Outlier(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4), instant(rs, 5),
                rs.getLong(6));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getTimestamp(column).toInstant();
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }
}
