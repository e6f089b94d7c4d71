package dev.baton.schedules.internal;

import dev.baton.schedules.ScheduleExecution;
import dev.baton.schedules.WorkflowSchedule;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The schedules and schedule_executions tables; callers run it inside a tenant transaction. */
public final class ScheduleStore {

    /** A stored schedule with its owning team and next run. */
    public record Stored(WorkflowSchedule schedule, String ownerTeam, Instant nextRun) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public ScheduleStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Optional<Stored> find(String name) {
        return jdbc.sql("SELECT definition::text, owner_team, next_run_at FROM schedules WHERE name = ?").param(name)
                .query(this::stored).optional();
    }

    /** The schedule if it is due and no other node holds it, locked until the transaction ends. */
    public Optional<Stored> lockDue(String name) {
        return jdbc.sql("SELECT definition::text, owner_team, next_run_at FROM schedules WHERE name = ? "
                        + "AND NOT paused AND next_run_at <= clock_timestamp() FOR UPDATE SKIP LOCKED")
                .param(name).query(this::stored).optional();
    }

    public List<Stored> list(String workflowName) {
        return jdbc.sql("SELECT definition::text, owner_team, next_run_at FROM schedules"
                        + (workflowName == null ? "" : " WHERE workflow_name = ?") + " ORDER BY name")
                .params(workflowName == null ? List.of() : List.of(workflowName)).query(this::stored).list();
    }

    public long count() {
        return jdbc.sql("SELECT count(*) FROM schedules").query(Long.class).single();
    }

    public void upsert(String tenant, WorkflowSchedule s, String ownerTeam, Instant next) {
        jdbc.sql("""
                INSERT INTO schedules (tenant_id, name, workflow_name, paused, next_run_at, owner_team, definition)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT (tenant_id, name) DO UPDATE SET workflow_name = EXCLUDED.workflow_name,
                    paused = EXCLUDED.paused, next_run_at = EXCLUDED.next_run_at, definition = EXCLUDED.definition,
                    updated_at = now()""")
                .params(tenant, s.name(), s.startWorkflowRequest().name(), s.paused(), ts(next), ownerTeam,
                        json.writeValueAsString(s))
                .update();
    }

    public void setNext(String name, Instant next) {
        jdbc.sql("UPDATE schedules SET next_run_at = ? WHERE name = ?").params(ts(next), name).update();
    }

    public boolean delete(String name) {
        return jdbc.sql("DELETE FROM schedules WHERE name = ?").param(name).update() == 1;
    }

    public void insertExecution(String tenant, ScheduleExecution e) {
        jdbc.sql("""
                INSERT INTO schedule_executions (tenant_id, id, schedule_name, scheduled_time, execution_time,
                    workflow_name, workflow_id, state, reason, zone_id, request)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")
                .params(tenant, UUID.fromString(e.executionId()), e.scheduleName(),
                        ts(Instant.ofEpochMilli(e.scheduledTime())), ts(Instant.ofEpochMilli(e.executionTime())),
                        e.workflowName(), e.workflowId() == null ? null : UUID.fromString(e.workflowId()),
                        e.state().name(), e.reason(), e.zoneId(), json.writeValueAsString(e.startWorkflowRequest()))
                .update();
    }

    /** A page of executions, newest scheduled time first, and how many match (counted up to 10,000). */
    public dev.baton.engine.api.execution.SearchResult<ScheduleExecution> executions(List<String> scheduleNames,
            List<String> states, List<String> workflowNames, Instant after, Instant before, int start, int size) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        any(where, params, "schedule_name", scheduleNames);
        any(where, params, "state", states);
        any(where, params, "workflow_name", workflowNames);
        if (after != null) {
            where.append(" AND scheduled_time >= ?");
            params.add(ts(after));
        }
        if (before != null) {
            where.append(" AND scheduled_time <= ?");
            params.add(ts(before));
        }
        List<Object> count = new ArrayList<>(params);
        count.add(10_000);
        long total = jdbc.sql("SELECT count(*) FROM (SELECT 1 FROM schedule_executions" + where + " LIMIT ?) m")
                .params(count).query(Long.class).single();
        List<Object> page = new ArrayList<>(params);
        page.add(size);
        page.add(start);
        List<ScheduleExecution> rows = jdbc.sql("SELECT id, schedule_name, scheduled_time, execution_time, "
                        + "workflow_name, workflow_id, state, reason, zone_id, request::text FROM schedule_executions"
                        + where + " ORDER BY scheduled_time DESC, id LIMIT ? OFFSET ?")
                .params(page)
                .query((rs, i) -> new ScheduleExecution(rs.getString("id"), rs.getString("schedule_name"),
                        rs.getTimestamp("scheduled_time").getTime(), rs.getTimestamp("execution_time").getTime(),
                        rs.getString("workflow_name"), rs.getString("workflow_id"), rs.getString("reason"),
                        json.readValue(rs.getString("request"),
                                dev.baton.engine.api.execution.StartWorkflowRequest.class),
                        ScheduleExecution.State.valueOf(rs.getString("state")), rs.getString("zone_id")))
                .list();
        return new dev.baton.engine.api.execution.SearchResult<>(total, rows);
    }

    private static void any(StringBuilder where, List<Object> params, String column, List<String> values) {
        if (values != null && !values.isEmpty()) {
            where.append(" AND ").append(column).append(" = ANY (?)");
            params.add(values.toArray(String[]::new));
        }
    }

    private Stored stored(ResultSet rs, int row) throws SQLException {
        Timestamp next = rs.getTimestamp(3);
        return new Stored(json.readValue(rs.getString(1), WorkflowSchedule.class), rs.getString(2),
                next == null ? null : next.toInstant());
    }

    private static Timestamp ts(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }
}
