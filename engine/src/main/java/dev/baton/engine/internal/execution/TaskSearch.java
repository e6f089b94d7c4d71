package dev.baton.engine.internal.execution;

import dev.baton.engine.api.TaskQuery;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.Task;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Task search on PostgreSQL, counted up to {@link ExecutionSearch#COUNTED} as the execution search is. Free text
 * matches the words of the task's workflow (its name, correlation id, reason and input): tasks keep no word index
 * of their own, which would cost every task write a second index update.
 */
public final class TaskSearch {

    /** A task found, with its workflow's correlation id (a task summary shows it). */
    public record Found(Task task, String correlationId) {}

    /** A WHERE clause over {@code tasks t} and its parameters. */
    record Where(String sql, List<Object> params) {}

    /** The columns of the fields in {@link TaskQuery#SORT_FIELDS}. */
    private static final Map<String, String> SORTABLE = Map.of(
            "updateTime", "t.updated_at", "startTime", "t.started_at", "scheduledTime", "t.scheduled_at",
            "endTime", "t.ended_at", "status", "t.status", "taskType", "t.task_type",
            "taskDefName", "t.task_def_name", "taskId", "t.id", "workflowId", "t.workflow_id",
            "workflowType", "t.workflow_type");

    private final JdbcClient jdbc;
    private final ExecutionStore store;

    public TaskSearch(JdbcClient jdbc, ExecutionStore store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    public SearchResult<Found> search(TaskQuery q) {
        Where where = where(q);
        List<Object> countParams = new ArrayList<>(where.params());
        countParams.add(ExecutionSearch.COUNTED);
        long total = jdbc.sql("SELECT count(*) FROM (SELECT 1 FROM tasks t" + where.sql() + " LIMIT ?) matched")
                .params(countParams).query(Long.class).single();
        String sort = SORTABLE.getOrDefault(q.sortField() == null ? "updateTime" : q.sortField(), "t.updated_at");
        boolean ascending = q.sortField() != null && q.ascending();
        List<Object> pageParams = new ArrayList<>(where.params());
        pageParams.add(q.size());
        pageParams.add(q.start());
        List<Found> rows = jdbc.sql("SELECT t.*, w.correlation_id AS workflow_correlation_id FROM tasks t "
                        + "JOIN workflows w ON w.id = t.workflow_id" + where.sql() + " ORDER BY " + sort
                        + (ascending ? " ASC" : " DESC") + " NULLS LAST, t.id LIMIT ? OFFSET ?")
                .params(pageParams)
                .query((rs, i) -> new Found(store.mapTask(rs, i), rs.getString("workflow_correlation_id")))
                .list();
        return new SearchResult<>(total, rows);
    }

    static Where where(TaskQuery q) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (present(q.taskTypes())) {
            List<String> types = q.taskTypes().stream().flatMap(r -> Task.storedTypesReportedAs(r).stream()).toList();
            where.append(" AND (t.task_type = ANY (?) OR (t.task_type = ? AND t.task_def_name = ANY (?)))");
            params.add(types.toArray(String[]::new));
            params.add(Task.WORKER_TYPE);
            params.add(q.taskTypes().toArray(String[]::new));
        }
        any(where, params, "t.task_def_name", q.taskDefNames());
        any(where, params, "t.status", q.statuses());
        any(where, params, "t.workflow_type", q.workflowTypes());
        if (present(q.workflowIds())) {
            where.append(" AND t.workflow_id = ANY (?)");
            params.add(q.workflowIds().stream().map(UUID::fromString).toArray(UUID[]::new));
        }
        if (present(q.taskIds())) {
            where.append(" AND t.id = ANY (?)");
            params.add(q.taskIds().stream().map(UUID::fromString).toArray(UUID[]::new));
        }
        if (q.updatedAfter() != null) {
            where.append(" AND t.updated_at >= ?");
            params.add(Timestamp.from(q.updatedAfter()));
        }
        if (q.updatedBefore() != null) {
            where.append(" AND t.updated_at <= ?");
            params.add(Timestamp.from(q.updatedBefore()));
        }
        if (q.freeText() != null && !q.freeText().isBlank() && !q.freeText().trim().equals("*")) {
            where.append(" AND t.workflow_id IN (SELECT id FROM workflows WHERE search_vector @@ "
                    + "plainto_tsquery('simple', ?))");
            params.add(q.freeText());
        }
        return new Where(where.toString(), params);
    }

    private static void any(StringBuilder where, List<Object> params, String column, List<String> values) {
        if (present(values)) {
            where.append(" AND ").append(column).append(" = ANY (?)");
            params.add(values.toArray(String[]::new));
        }
    }

    private static boolean present(List<String> values) {
        return values != null && !values.isEmpty();
    }
}
