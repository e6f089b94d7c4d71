package dev.baton.engine.internal.execution;

import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.TaskQuery;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.api.execution.WorkflowSummary;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Execution search on PostgreSQL: filters on indexed columns, free text through the stored search vector.
 *
 * <p>Matches are counted up to {@link #COUNTED} only, as Conductor on Elasticsearch reports them by default: a
 * search matching a million executions then costs ten thousand index entries, not a million. A total of exactly
 * {@code COUNTED} means that many or more.
 */
public final class ExecutionSearch {

    /** The most matches a search counts. */
    public static final int COUNTED = 10_000;

    /** The columns of the fields in {@link ExecutionQuery#SORT_FIELDS}. */
    private static final Map<String, String> SORTABLE = Map.of(
            "startTime", "created_at", "updateTime", "updated_at", "endTime", "ended_at",
            "workflowType", "name", "status", "status", "workflowId", "id");

    private final JdbcClient jdbc;

    public ExecutionSearch(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public SearchResult<WorkflowSummary> search(ExecutionQuery q) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (q.workflowTypes() != null && !q.workflowTypes().isEmpty()) {
            where.append(" AND name = ANY (?)");
            params.add(q.workflowTypes().toArray(String[]::new));
        }
        if (q.statuses() != null && !q.statuses().isEmpty()) {
            where.append(" AND status = ANY (?)");
            params.add(q.statuses().toArray(String[]::new));
        }
        if (q.workflowIds() != null && !q.workflowIds().isEmpty()) {
            where.append(" AND id = ANY (?)");
            params.add(q.workflowIds().stream().map(UUID::fromString).toArray(UUID[]::new));
        }
        if (q.correlationId() != null) {
            where.append(" AND correlation_id = ?");
            params.add(q.correlationId());
        }
        if (q.startedAfter() != null) {
            where.append(" AND created_at >= ?");
            params.add(Timestamp.from(q.startedAfter()));
        }
        if (q.startedBefore() != null) {
            where.append(" AND created_at <= ?");
            params.add(Timestamp.from(q.startedBefore()));
        }
        if (q.freeText() != null && !q.freeText().isBlank() && !q.freeText().trim().equals("*")) {
            where.append(" AND search_vector @@ plainto_tsquery('simple', ?)");
            params.add(q.freeText());
        }
        return page(" FROM workflows" + where, params, q.sortField(), q.ascending(), q.start(), q.size());
    }

    /**
     * Conductor's search by tasks: the executions with a task matching {@code q}, sorted and paged as executions
     * (by their start time, newest first, unless the query sorts otherwise).
     */
    public SearchResult<WorkflowSummary> searchByTasks(TaskQuery q) {
        TaskSearch.Where tasks = TaskSearch.where(q);
        String sortField = q.sortField() != null && SORTABLE.containsKey(q.sortField()) ? q.sortField() : null;
        return page(" FROM workflows WHERE id IN (SELECT t.workflow_id FROM tasks t" + tasks.sql() + ")",
                tasks.params(), sortField, sortField != null && q.ascending(), q.start(), q.size());
    }

    private SearchResult<WorkflowSummary> page(String from, List<Object> params, String sortField, boolean ascending,
            int start, int size) {
        List<Object> countParams = new ArrayList<>(params);
        countParams.add(COUNTED);
        long total = jdbc.sql("SELECT count(*) FROM (SELECT 1" + from + " LIMIT ?) matched")
                .params(countParams).query(Long.class).single();
        String sort = SORTABLE.getOrDefault(sortField == null ? "startTime" : sortField, "created_at");
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(size);
        pageParams.add(start);
        List<WorkflowSummary> rows = jdbc.sql("""
                SELECT id, name, version, correlation_id, created_at, updated_at, ended_at, status, input::text,
                       output::text, reason, failed_ref_names, priority, created_by""" + from + " ORDER BY " + sort
                + (ascending ? " ASC" : " DESC") + ", id LIMIT ? OFFSET ?")
                .params(pageParams)
                .query((rs, i) -> {
                    Instant created = rs.getTimestamp("created_at").toInstant();
                    Timestamp ended = rs.getTimestamp("ended_at");
                    String[] failed = (String[]) rs.getArray("failed_ref_names").getArray();
                    return new WorkflowSummary(rs.getString("name"), rs.getInt("version"), rs.getString("id"),
                            rs.getString("correlation_id"), created.toString(),
                            rs.getTimestamp("updated_at").toInstant().toString(),
                            ended == null ? null : ended.toInstant().toString(),
                            WorkflowStatus.valueOf(rs.getString("status")), rs.getString("input"),
                            rs.getString("output"), rs.getString("reason"),
                            ended == null ? 0 : ended.toInstant().toEpochMilli() - created.toEpochMilli(),
                            String.join(",", failed), rs.getInt("priority"), rs.getString("created_by"));
                })
                .list();
        return new SearchResult<>(total, rows);
    }
}
