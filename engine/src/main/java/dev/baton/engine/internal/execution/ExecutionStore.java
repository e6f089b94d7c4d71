package dev.baton.engine.internal.execution;

import dev.baton.engine.api.CatalogTaskStats;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskExecLog;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.internal.definition.TaskDefCache;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.spi.PayloadObjects;
import dev.baton.engine.spi.TaskLimiter;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads and writes workflow executions and their tasks; callers run it inside a tenant transaction. */
public final class ExecutionStore {

    private static final String TASK_COLUMNS = """
            tenant_id, id, workflow_id, seq, ref_name, task_type, task_def_name, status, iteration, retry_count,
            poll_count, retried, executed, input, output, workflow_task, reason, worker_id, domain,
            callback_after_seconds, response_timeout_seconds, workflow_type, wait_until, priority, queue,
            retried_task_id, sub_workflow_id, parent_task_id, scheduled_at, visible_at, started_at, first_started_at,
            ended_at, updated_at, due_at, catalog_entry, offloaded""";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JsonCodec json;
    private final OffloadedPayloads payloads;
    private final LimitedPolls limited;
    private final TaskLimits limits;
    private final ExecutionEvents events;

    /**
     * @param offloadBytes inputs, outputs and variables whose JSON is longer than this many bytes are kept out of
     *     the execution rows
     * @param limiter where task limits are held when not in PostgreSQL, or null
     * @param objects where offloaded values are kept when not in PostgreSQL, or null
     * @param events who is told what committed changes did
     */
    public ExecutionStore(JdbcClient jdbc, JdbcTemplate template, JsonCodec json, int offloadBytes,
            TaskLimiter limiter, PayloadObjects objects, ExecutionEvents events) {
        this.jdbc = jdbc;
        this.template = template;
        this.json = json;
        this.payloads = new OffloadedPayloads(jdbc, json, offloadBytes, objects);
        this.events = events;
        this.limits = new TaskLimits(jdbc, json);
        this.limited = limiter == null ? null : new LimitedPolls(jdbc, limits, limiter, this::mapTask, events);
    }

    ExecutionEvents events() {
        return events;
    }

    /** Inserts a new workflow row; returns false when its idempotency key is already taken. */
    public boolean insertWorkflow(Workflow w) {
        OffloadedPayloads.Row row = payloads.row(w.getWorkflowId());
        boolean inserted = jdbc.sql("""
                INSERT INTO workflows (tenant_id, id, name, version, status, correlation_id, priority, idempotency_key,
                  parent_workflow_id, parent_task_id, definition, input, output, variables, task_to_domain, reason,
                  failed_task_names, failed_ref_names, rerun_from_id, created_by, event, created_at, updated_at,
                  ended_at, last_retried_at, timeout_at, owner_team, offloaded)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?,
                  ?, ?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT DO NOTHING""")
                .params(w.getTenantId(), w.getWorkflowId(), w.getWorkflowName(), w.getWorkflowVersion(),
                        w.getStatus().name(), w.getCorrelationId(), w.getPriority(), w.getIdempotencyKey(),
                        w.getParentWorkflowId(), w.getParentWorkflowTaskId(),
                        json.writeSnapshot(w.getWorkflowDefinition()),
                        row.column("input", w.getInput()), row.column("output", w.getOutput()),
                        row.column("variables", w.getVariables()),
                        json.write(w.getTaskToDomain()), w.getReasonForIncompletion(),
                        textArray(w.getFailedTaskNames()), textArray(w.getFailedReferenceTaskNames()),
                        w.getReRunFromWorkflowId(), w.getCreatedBy(), w.getEvent(), ts(w.getCreated()),
                        ts(w.getUpdated()), ts(w.getEnded()), ts(w.getLastRetried()), ts(w.getTimeoutAt()),
                        w.getOwnerTeam(), row.offloaded())
                .update() > 0;
        if (inserted) {
            row.flush();
        }
        return inserted;
    }

    /**
     * Writes the workflow's changing fields. The definition snapshot is written only when {@code withDefinition}:
     * it changes only on a restart with the latest definition, and rewriting it on every decision was the largest
     * value each update wrote.
     */
    public void updateWorkflow(Workflow w, boolean withDefinition) {
        boolean[] added = {false};
        jdbc.sql("UPDATE workflows SET status = ?, correlation_id = ?, input = ?::jsonb, output = ?::jsonb, "
                        + "variables = ?::jsonb, reason = ?, failed_task_names = ?, failed_ref_names = ?, updated_at = ?, "
                        + "ended_at = ?, last_retried_at = ?, timeout_at = ?, version = ?, offloaded = ?::jsonb"
                        + (withDefinition ? ", definition = ?::jsonb" : "") + " WHERE id = ?")
                .params(updateParams(w, withDefinition, added))
                .update();
        if (added[0]) {
            payloads.collect(w.getWorkflowId());
        }
    }

    private List<Object> updateParams(Workflow w, boolean withDefinition, boolean[] added) {
        OffloadedPayloads.Row row = payloads.row(w.getWorkflowId());
        List<Object> params = new ArrayList<>(Arrays.asList(w.getStatus().name(), w.getCorrelationId(),
                row.column("input", w.getInput()), row.column("output", w.getOutput()),
                row.column("variables", w.getVariables()),
                w.getReasonForIncompletion(), textArray(w.getFailedTaskNames()),
                textArray(w.getFailedReferenceTaskNames()), ts(w.getUpdated()), ts(w.getEnded()),
                ts(w.getLastRetried()), ts(w.getTimeoutAt()), w.getWorkflowVersion(), row.offloaded()));
        // the workflow's row exists: the values may be stored before the statement that names them
        added[0] = row.flush();
        if (withDefinition) {
            params.add(json.writeSnapshot(w.getWorkflowDefinition()));
        }
        params.add(w.getWorkflowId());
        return params;
    }

    /** A workflow locked for a change, with the version of its tenant's task definitions read with its tasks. */
    public record Locked(Workflow workflow, long taskDefsVersion) {}

    /**
     * Loads a workflow and its tasks, holding the workflow's row lock until the transaction ends. When it opens the
     * transaction, the lock binds the tenant itself ({@code lock_workflow}), saving the binding's own statement.
     */
    public Optional<Locked> lockForChange(UUID workflowId) {
        String binding = TenantTransactions.claimBinding();
        Optional<Workflow> w = (binding != null
                ? jdbc.sql("SELECT * FROM lock_workflow(?, ?)").params(binding, workflowId)
                : jdbc.sql("SELECT * FROM workflows WHERE id = ? FOR UPDATE").param(workflowId))
                .query(this::mapWorkflow).optional();
        if (w.isEmpty()) {
            return Optional.empty();
        }
        long[] version = {TaskDefCache.UNKNOWN};
        w.get().setTasks(new ArrayList<>(jdbc.sql("""
                SELECT t.*, coalesce((SELECT version FROM task_def_versions), 0) AS task_defs_version
                  FROM tasks t WHERE workflow_id = ? ORDER BY seq""")
                .param(workflowId)
                .query((rs, i) -> {
                    version[0] = rs.getLong("task_defs_version");
                    return mapTask(rs, i);
                }).list()));
        return Optional.of(new Locked(w.get(), version[0]));
    }

    /** Like {@link #lockForChange}, for callers that need only the workflow. */
    public Optional<Workflow> lock(UUID workflowId) {
        return lockForChange(workflowId).map(Locked::workflow);
    }

    /** Like {@link #lock} but gives up at once when another transaction holds the lock. */
    public Optional<Workflow> tryLock(UUID workflowId) {
        Optional<Workflow> w = jdbc.sql("SELECT * FROM workflows WHERE id = ? FOR UPDATE SKIP LOCKED")
                .param(workflowId).query(this::mapWorkflow).optional();
        w.ifPresent(wf -> wf.setTasks(tasksOf(workflowId)));
        return w;
    }

    /** How many ancestors (parent, grandparent, ...) {@code workflowId} has, counting at most {@code most}. */
    public int depthOf(UUID workflowId, int most) {
        return jdbc.sql("""
                WITH RECURSIVE chain (id, parent, depth) AS (
                  SELECT id, parent_workflow_id, 0 FROM workflows WHERE id = ?
                  UNION ALL
                  SELECT w.id, w.parent_workflow_id, c.depth + 1 FROM workflows w JOIN chain c ON w.id = c.parent
                  WHERE c.depth < ?)
                SELECT coalesce(max(depth), 0) FROM chain""").params(workflowId, most).query(Integer.class).single();
    }

    public Optional<Workflow> find(UUID workflowId, boolean includeTasks) {
        Optional<Workflow> w = jdbc.sql("SELECT * FROM workflows WHERE id = ?").param(workflowId)
                .query(this::mapWorkflow).optional();
        if (includeTasks) {
            w.ifPresent(wf -> wf.setTasks(tasksOf(workflowId)));
        }
        return w;
    }

    /** The workflows of {@code ids}, without their tasks, in the order given (those gone meanwhile left out). */
    public List<Workflow> findAll(List<UUID> ids) {
        Map<UUID, Workflow> byId = new java.util.HashMap<>();
        jdbc.sql("SELECT * FROM workflows WHERE id = ANY (?)").param(ids.toArray(UUID[]::new))
                .query(this::mapWorkflow).list().forEach(w -> byId.put(w.getWorkflowId(), w));
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    public Optional<UUID> findByIdempotencyKey(String name, String key) {
        return jdbc.sql("SELECT id FROM workflows WHERE name = ? AND idempotency_key = ?").params(name, key)
                .query(UUID.class).optional();
    }

    /** Of {@code taskIds}, those that are no longer IN_PROGRESS with {@code workerId} (or no longer exist). */
    public List<UUID> notHeldBy(List<UUID> taskIds, String workerId) {
        return jdbc.sql("""
                SELECT x.id FROM unnest(?::uuid[]) AS x(id)
                 WHERE NOT EXISTS (SELECT 1 FROM tasks t
                                    WHERE t.id = x.id AND t.status = 'IN_PROGRESS' AND t.worker_id = ?)""")
                .params(taskIds.toArray(UUID[]::new), workerId)
                .query((rs, i) -> rs.getObject(1, UUID.class)).list();
    }

    /** The team that owns a workflow of the current tenant, or null. */
    public String ownerTeamOf(UUID workflowId) {
        return jdbc.sql("SELECT owner_team FROM workflows WHERE id = ?").param(workflowId).query(String.class)
                .optional().orElse(null);
    }

    public Optional<UUID> workflowOfTask(UUID taskId) {
        return jdbc.sql("SELECT workflow_id FROM tasks WHERE id = ?").param(taskId).query(UUID.class).optional();
    }

    public Optional<Task> task(UUID taskId) {
        return jdbc.sql("SELECT * FROM tasks WHERE id = ?").param(taskId).query(this::mapTask).optional();
    }

    public List<Task> tasksOf(UUID workflowId) {
        return jdbc.sql("SELECT * FROM tasks WHERE workflow_id = ? ORDER BY seq").param(workflowId)
                .query(this::mapTask).list();
    }

    /** Workflows with a worker task of {@code taskType} in progress, at most {@code most}. */
    public List<UUID> workflowsWithTasksInProgress(String taskType, int most) {
        return jdbc.sql("SELECT DISTINCT workflow_id FROM tasks WHERE task_def_name = ? AND status = 'IN_PROGRESS' "
                        + "AND queue IS NOT NULL AND queue NOT LIKE '#%' LIMIT ?")
                .params(taskType, most).query(UUID.class).list();
    }

    public List<UUID> runningIds(String name, Integer version) {
        String sql = "SELECT id FROM workflows WHERE name = ? AND status IN ('RUNNING', 'PAUSED')"
                + (version == null ? "" : " AND version = ?") + " ORDER BY created_at";
        var st = jdbc.sql(sql).param(name);
        if (version != null) {
            st = st.param(version);
        }
        return st.query(UUID.class).list();
    }

    /** Ids of executions of {@code name} at {@code version} started in [{@code from}, {@code to}], newest first. */
    public List<UUID> idsStartedBetween(String name, int version, Instant from, Instant to, int most) {
        return jdbc.sql("SELECT id FROM workflows WHERE name = ? AND version = ? AND created_at BETWEEN ? AND ? "
                        + "ORDER BY created_at DESC LIMIT ?")
                .params(name, version, Timestamp.from(from), Timestamp.from(to), most).query(UUID.class).list();
    }

    /** Executions of {@code name} with any of {@code correlationIds}, oldest first. */
    public List<Workflow> byCorrelationIds(String name, List<String> correlationIds, boolean includeClosed) {
        String sql = "SELECT * FROM workflows WHERE name = ? AND correlation_id = ANY (?)"
                + (includeClosed ? "" : " AND status IN ('RUNNING', 'PAUSED')") + " ORDER BY created_at";
        return jdbc.sql(sql).params(name, correlationIds.toArray(String[]::new)).query(this::mapWorkflow).list();
    }

    public void insertTasks(String tenant, List<Task> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        String sql = "INSERT INTO tasks (" + TASK_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                + "?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)";
        template.batchUpdate(sql, tasks.stream().map(t -> taskRow(tenant, t)).toList());
    }

    /** Writes the reference names of {@code tasks}, which an upgrade moved to other places in their definition. */
    public void renameTasks(List<Task> tasks) {
        if (!tasks.isEmpty()) {
            template.batchUpdate("UPDATE tasks SET ref_name = ? WHERE id = ?", tasks.stream()
                    .map(t -> new Object[] {t.getReferenceTaskName(), t.getTaskId()}).toList());
        }
    }

    public void updateTasks(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        String sql = """
                UPDATE tasks SET status = ?, retry_count = ?, poll_count = ?, retried = ?, executed = ?,
                  input = ?::jsonb, output = ?::jsonb, reason = ?, worker_id = ?, callback_after_seconds = ?,
                  wait_until = ?, queue = ?, sub_workflow_id = ?, visible_at = ?, started_at = ?,
                  first_started_at = ?, ended_at = ?, updated_at = ?, due_at = ?, workflow_task = ?::jsonb,
                  iteration = ?, offloaded = ?::jsonb, limit_permit = ?
                WHERE id = ?""";
        Set<UUID> added = new HashSet<>();
        template.batchUpdate(sql, tasks.stream().map(t -> {
            OffloadedPayloads.Row row = payloads.row(t.getWorkflowInstanceId());
            Object[] values = {
                t.getStatus().name(), t.getRetryCount(), t.getPollCount(), t.isRetried(), t.isExecuted(),
                row.column("input", t.getInputData()), row.column("output", t.getOutputData()),
                t.getReasonForIncompletion(), t.getWorkerId(), t.getCallbackAfterSeconds(), ts(t.getWaitUntil()),
                t.getQueue(), t.getSubWorkflowId(), ts(t.getVisibleAt()), ts(t.getStarted()),
                ts(t.getFirstStarted()), ts(t.getEnded()), ts(t.getUpdated()), ts(t.getDueAt()),
                json.writeSnapshot(t.getWorkflowTask()),
                t.getIteration(), row.offloaded(), permitKept(t), t.getTaskId()
            };
            if (row.flush()) {
                added.add(t.getWorkflowInstanceId());
            }
            return values;
        }).toList());
        added.forEach(payloads::collect);
    }

    /**
     * The permit a task keeps as it is written: a task that no longer runs gives its permit back once this
     * transaction commits; one that still runs has its permit kept for another response timeout.
     */
    private String permitKept(Task t) {
        String permit = t.getLimitPermit();
        if (permit == null || limited == null) {
            return permit;
        }
        if (t.getStatus() == TaskStatus.IN_PROGRESS) {
            limited.extendAfterCommit(permit, t.getResponseTimeoutSeconds());
            return permit;
        }
        limited.releaseAfterCommit(permit);
        t.setLimitPermit(null);
        return null;
    }

    public void deleteTasks(List<UUID> ids) {
        if (!ids.isEmpty()) {
            template.batchUpdate("DELETE FROM tasks WHERE id = ?", ids.stream().map(id -> new Object[] {id}).toList());
        }
    }

    /** Keeps an ended workflow, with its tasks, as one document that {@link #findArchived} reads back. */
    public void archive(Workflow w, Instant now) {
        jdbc.sql("""
                INSERT INTO archived_workflows (tenant_id, id, name, version, status, correlation_id, created_at,
                  ended_at, archived_at, document)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at,
                  archived_at = excluded.archived_at, document = excluded.document""")
                .params(w.getTenantId(), w.getWorkflowId(), w.getWorkflowName(), w.getWorkflowVersion(),
                        w.getStatus().name(), w.getCorrelationId(), ts(w.getCreated()), ts(w.getEnded()), ts(now),
                        json.write(w).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .update();
    }

    /** An archived workflow, its tasks left out unless {@code includeTasks}. */
    public Optional<Workflow> findArchived(UUID workflowId, boolean includeTasks) {
        return jdbc.sql("SELECT document FROM archived_workflows WHERE id = ?").param(workflowId)
                .query(byte[].class).optional()
                .map(doc -> {
                    Workflow w = json.read(new String(doc, java.nio.charset.StandardCharsets.UTF_8), Workflow.class);
                    if (!includeTasks) {
                        w.setTasks(new ArrayList<>());
                    }
                    return w;
                });
    }

    public boolean deleteArchived(UUID workflowId) {
        return jdbc.sql("DELETE FROM archived_workflows WHERE id = ?").param(workflowId).update() > 0;
    }

    public boolean deleteWorkflow(UUID workflowId) {
        payloads.forget(workflowId);
        if (limited != null) {
            // a workflow removed while its tasks run gives their permits back
            jdbc.sql("SELECT limit_permit FROM tasks WHERE workflow_id = ? AND limit_permit IS NOT NULL")
                    .param(workflowId).query(String.class).list().forEach(limited::releaseAfterCommit);
        }
        return jdbc.sql("DELETE FROM workflows WHERE id = ?").param(workflowId).update() > 0;
    }

    /**
     * Hands up to {@code count} visible tasks of {@code queue} to a worker in one statement: they become IN_PROGRESS
     * and get their response deadline. SKIP LOCKED lets concurrent pollers take different tasks without waiting.
     */
    public List<Task> poll(String tenant, String queue, int count, String workerId) {
        List<Task> polled = limited == null ? null : limited.poll(tenant, queue, count, workerId).orElse(null);
        if (polled == null) {
            // poll_tasks binds the tenant before it polls, so it may open a transaction (V18)
            String binding = TenantTransactions.claimBinding();
            if (binding != null && !binding.equals(tenant)) {
                throw new IllegalStateException("a poll for one tenant in a transaction of another");
            }
            polled = jdbc.sql("SELECT * FROM poll_tasks(?, ?, ?, ?)").params(tenant, queue, count, workerId)
                    .query(this::mapTask).list();
            if (polled.size() < count && events.heard()) {
                toldHeld(tenant, queue);
            }
        }
        events.started(TenantId.of(tenant), polled);
        return polled;
    }

    /** After a short poll of a type with limits, tells how many ready tasks poll_tasks held back (V29). */
    private void toldHeld(String tenant, String queue) {
        String type = queue.substring(queue.indexOf(':') + 1);
        if (TaskHandlers.isWorkerQueue(queue) && limits.of(tenant, type).any()) {
            int held = jdbc.sql("SELECT coalesce(nullif(current_setting('baton.limit_held', true), ''), '0')::int")
                    .query(Integer.class).single();
            events.held(TenantId.of(tenant), type, held);
        }
    }

    /** Per entry version, the ended attempts of a catalog entry's tasks since {@code since}. */
    public List<CatalogTaskStats> catalogTaskStats(String tenant, String entry, Instant since) {
        return jdbc.sql("""
                WITH ended AS (
                  SELECT workflow_task -> 'catalog' ->> 'version' AS version, status,
                         extract(epoch FROM ended_at - coalesce(started_at, scheduled_at)) * 1000 AS millis
                    FROM tasks
                   WHERE tenant_id = ? AND catalog_entry = ? AND ended_at >= ?
                     AND status IN ('COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR',
                                    'TIMED_OUT'))
                SELECT version, count(*) AS runs,
                       count(*) FILTER (WHERE status IN ('FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'TIMED_OUT'))
                         AS failures,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY millis) AS p50,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY millis) AS p95
                  FROM ended GROUP BY version ORDER BY version""")
                .params(tenant, entry, java.sql.Timestamp.from(since))
                .query((rs, i) -> new CatalogTaskStats(rs.getString("version"), rs.getLong("runs"),
                        rs.getLong("failures"), (Double) rs.getObject("p50"), (Double) rs.getObject("p95")))
                .list();
    }

    /** Per catalog entry, the attempts of its tasks that ended since {@code since}. */
    public Map<String, Long> catalogRuns(String tenant, Instant since) {
        Map<String, Long> runs = new java.util.HashMap<>();
        jdbc.sql("SELECT catalog_entry, count(*) FROM tasks WHERE tenant_id = ? AND catalog_entry IS NOT NULL "
                        + "AND ended_at >= ? GROUP BY catalog_entry")
                .params(tenant, java.sql.Timestamp.from(since))
                .query((rs, i) -> runs.put(rs.getString(1), rs.getLong(2))).list();
        return runs;
    }

    /** Scheduled, visible tasks per queue name. */
    public Map<String, Long> queueSizes(List<String> queues) {
        var result = new java.util.LinkedHashMap<String, Long>();
        for (String q : queues) {
            result.put(q, 0L);
        }
        String filter = queues.isEmpty() ? "" : " AND queue = ANY (?)";
        var st = jdbc.sql("SELECT queue, count(*) FROM tasks WHERE status = 'SCHEDULED' AND queue IS NOT NULL"
                + filter + " GROUP BY queue");
        if (!queues.isEmpty()) {
            st = st.param(queues.toArray(String[]::new));
        }
        st.query((ResultSet rs) -> {
            result.put(rs.getString(1), rs.getLong(2));
        });
        return result;
    }

    /** Per worker queue: its tasks waiting and in progress. */
    public Map<String, long[]> workerQueueCounts() {
        var result = new java.util.LinkedHashMap<String, long[]>();
        jdbc.sql("SELECT queue, count(*) FILTER (WHERE status = 'SCHEDULED'), count(*) FILTER (WHERE status = "
                        + "'IN_PROGRESS') FROM tasks WHERE status IN ('SCHEDULED', 'IN_PROGRESS') AND queue IS NOT NULL "
                        + "AND queue NOT LIKE '#%' GROUP BY queue")
                .query((ResultSet rs) -> {
                    result.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                });
        return result;
    }

    public void appendLogs(String tenant, UUID taskId, List<String> lines) {
        template.batchUpdate("INSERT INTO task_logs (tenant_id, task_id, log) VALUES (?, ?, ?)",
                lines.stream().map(l -> new Object[] {tenant, taskId, l}).toList());
    }

    public List<TaskExecLog> logs(UUID taskId) {
        return jdbc.sql("SELECT log, created_at FROM task_logs WHERE task_id = ? ORDER BY created_at").param(taskId)
                .query((rs, i) -> new TaskExecLog(rs.getString(1), taskId.toString(),
                        rs.getTimestamp(2).toInstant().toEpochMilli()))
                .list();
    }

    private Object[] taskRow(String tenant, Task t) {
        // tasks are written after their workflow's row, so their offloaded values may be stored first
        OffloadedPayloads.Row row = payloads.row(t.getWorkflowInstanceId());
        Object[] values = {
                tenant, t.getTaskId(), t.getWorkflowInstanceId(), t.getSeq(), t.getReferenceTaskName(),
                t.getTaskType(), t.getTaskDefName(), t.getStatus().name(), t.getIteration(), t.getRetryCount(),
                t.getPollCount(), t.isRetried(), t.isExecuted(), row.column("input", t.getInputData()),
                row.column("output", t.getOutputData()), json.writeSnapshot(t.getWorkflowTask()),
                t.getReasonForIncompletion(),
                t.getWorkerId(), t.getDomain(), t.getCallbackAfterSeconds(), t.getResponseTimeoutSeconds(),
                t.getWorkflowType(), ts(t.getWaitUntil()), t.getWorkflowPriority(), t.getQueue(), t.getRetriedTaskId(),
                t.getSubWorkflowId(), t.getParentTaskId(), ts(t.getScheduled()), ts(t.getVisibleAt()),
                ts(t.getStarted()), ts(t.getFirstStarted()), ts(t.getEnded()), ts(t.getUpdated()), ts(t.getDueAt()),
                t.getWorkflowTask() == null || t.getWorkflowTask().catalog() == null ? null
                        : t.getWorkflowTask().catalog().name(),
                row.offloaded()
        };
        row.flush();
        return values;
    }

    private Workflow mapWorkflow(ResultSet rs, int row) throws SQLException {
        Workflow w = new Workflow();
        w.setTenantId(rs.getString("tenant_id"));
        w.setWorkflowId(rs.getObject("id", UUID.class));
        w.setStatus(WorkflowStatus.valueOf(rs.getString("status")));
        w.setCorrelationId(rs.getString("correlation_id"));
        w.setPriority(rs.getInt("priority"));
        w.setIdempotencyKey(rs.getString("idempotency_key"));
        w.setParentWorkflowId(rs.getObject("parent_workflow_id", UUID.class));
        w.setParentWorkflowTaskId(rs.getObject("parent_task_id", UUID.class));
        w.setWorkflowDefinition(json.readSnapshot(rs.getString("definition"), WorkflowDef.class));
        String offloaded = rs.getString("offloaded");
        w.setInput(payloads.read(w.getWorkflowId(), offloaded, "input", rs.getString("input")));
        w.setOutput(payloads.read(w.getWorkflowId(), offloaded, "output", rs.getString("output")));
        w.setVariables(payloads.read(w.getWorkflowId(), offloaded, "variables", rs.getString("variables")));
        Map<String, String> domains = new java.util.LinkedHashMap<>();
        json.readMap(rs.getString("task_to_domain")).forEach((k, v) -> domains.put(k, String.valueOf(v)));
        w.setTaskToDomain(domains);
        w.setReasonForIncompletion(rs.getString("reason"));
        w.setFailedTaskNames(strings(rs.getArray("failed_task_names")));
        w.setFailedReferenceTaskNames(strings(rs.getArray("failed_ref_names")));
        w.setReRunFromWorkflowId(rs.getObject("rerun_from_id", UUID.class));
        w.setCreatedBy(rs.getString("created_by"));
        w.setOwnerTeam(rs.getString("owner_team"));
        w.setEvent(rs.getString("event"));
        w.setCreated(instant(rs, "created_at"));
        w.setUpdated(instant(rs, "updated_at"));
        w.setEnded(instant(rs, "ended_at"));
        w.setLastRetried(instant(rs, "last_retried_at"));
        w.setTimeoutAt(instant(rs, "timeout_at"));
        return w;
    }

    /** A task from a row of {@code tasks} (other columns may be present). */
    Task mapTask(ResultSet rs, int row) throws SQLException {
        Task t = new Task();
        t.setTaskId(rs.getObject("id", UUID.class));
        t.setWorkflowInstanceId(rs.getObject("workflow_id", UUID.class));
        t.setSeq(rs.getInt("seq"));
        t.setReferenceTaskName(rs.getString("ref_name"));
        t.setTaskType(rs.getString("task_type"));
        t.setTaskDefName(rs.getString("task_def_name"));
        t.setStatus(TaskStatus.valueOf(rs.getString("status")));
        t.setIteration(rs.getInt("iteration"));
        t.setRetryCount(rs.getInt("retry_count"));
        t.setPollCount(rs.getInt("poll_count"));
        t.setRetried(rs.getBoolean("retried"));
        t.setExecuted(rs.getBoolean("executed"));
        String offloaded = rs.getString("offloaded");
        t.setInputData(payloads.read(t.getWorkflowInstanceId(), offloaded, "input", rs.getString("input")));
        t.setOutputData(payloads.read(t.getWorkflowInstanceId(), offloaded, "output", rs.getString("output")));
        t.setWorkflowTask(json.readSnapshot(rs.getString("workflow_task"), WorkflowTask.class));
        t.setReasonForIncompletion(rs.getString("reason"));
        t.setWorkerId(rs.getString("worker_id"));
        t.setDomain(rs.getString("domain"));
        t.setCallbackAfterSeconds(rs.getLong("callback_after_seconds"));
        t.setResponseTimeoutSeconds(rs.getLong("response_timeout_seconds"));
        t.setWorkflowType(rs.getString("workflow_type"));
        t.setWaitUntil(instant(rs, "wait_until"));
        t.setWorkflowPriority(rs.getInt("priority"));
        t.setQueue(rs.getString("queue"));
        t.setRetriedTaskId(rs.getObject("retried_task_id", UUID.class));
        t.setSubWorkflowId(rs.getObject("sub_workflow_id", UUID.class));
        t.setParentTaskId(rs.getObject("parent_task_id", UUID.class));
        t.setScheduled(instant(rs, "scheduled_at"));
        t.setVisibleAt(instant(rs, "visible_at"));
        t.setStarted(instant(rs, "started_at"));
        t.setFirstStarted(instant(rs, "first_started_at"));
        t.setEnded(instant(rs, "ended_at"));
        t.setUpdated(instant(rs, "updated_at"));
        t.setDueAt(instant(rs, "due_at"));
        t.setLimitPermit(rs.getString("limit_permit"));
        return t;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static Timestamp ts(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }

    private static String[] textArray(List<String> values) {
        return values == null ? new String[0] : values.toArray(String[]::new);
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList((String[]) array.getArray()));
    }
}
