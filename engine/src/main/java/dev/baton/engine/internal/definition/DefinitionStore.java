package dev.baton.engine.internal.definition;

import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowDefSummary;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.tenancy.TenantId;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads and writes definitions; callers run it inside a tenant transaction. */
public final class DefinitionStore {

    private final JdbcClient jdbc;
    private final JsonCodec json;

    public DefinitionStore(JdbcClient jdbc, JsonCodec json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void upsertTaskDef(TenantId tenant, TaskDef def) {
        jdbc.sql("""
                INSERT INTO task_defs (tenant_id, name, definition) VALUES (?, ?, ?::jsonb)
                ON CONFLICT (tenant_id, name) DO UPDATE SET definition = excluded.definition, updated_at = now()""")
                .params(tenant.value(), def.name(), json.write(def))
                .update();
    }

    public Optional<TaskDef> taskDef(String name) {
        return jdbc.sql("SELECT definition FROM task_defs WHERE name = ?").param(name)
                .query((rs, i) -> json.read(rs.getString(1), TaskDef.class)).optional();
    }

    public List<TaskDef> taskDefs() {
        return jdbc.sql("SELECT definition FROM task_defs ORDER BY name")
                .query((rs, i) -> json.read(rs.getString(1), TaskDef.class)).list();
    }

    public boolean deleteTaskDef(String name) {
        return jdbc.sql("DELETE FROM task_defs WHERE name = ?").param(name).update() > 0;
    }

    /** Inserts a version; returns false when that name and version already exist. */
    public boolean insertWorkflowDef(TenantId tenant, WorkflowDef def) {
        return jdbc.sql("""
                INSERT INTO workflow_defs (tenant_id, name, version, definition) VALUES (?, ?, ?, ?::jsonb)
                ON CONFLICT DO NOTHING""")
                .params(tenant.value(), def.name(), def.versionOrDefault(), json.write(def))
                .update() > 0;
    }

    public void upsertWorkflowDef(TenantId tenant, WorkflowDef def) {
        jdbc.sql("""
                INSERT INTO workflow_defs (tenant_id, name, version, definition) VALUES (?, ?, ?, ?::jsonb)
                ON CONFLICT (tenant_id, name, version) DO UPDATE SET definition = excluded.definition, updated_at = now()""")
                .params(tenant.value(), def.name(), def.versionOrDefault(), json.write(def))
                .update();
    }

    public Optional<WorkflowDef> workflowDef(String name, Integer version) {
        return workflowDefToStart(name, version).map(ToStart::def);
    }

    /** A workflow definition to start, with the version of the tenant's task definitions read alongside it. */
    public record ToStart(WorkflowDef def, long taskDefsVersion) {}

    /**
     * The workflow definition of that name and version (the latest when null), and in the same statement the
     * tenant's task definition counter, so the start can use the task definitions this node kept.
     */
    public Optional<ToStart> workflowDefToStart(String name, Integer version) {
        String sql = "SELECT definition, coalesce((SELECT version FROM task_def_versions), 0) AS task_defs_version "
                + "FROM workflow_defs WHERE name = ?"
                + (version == null ? " ORDER BY version DESC LIMIT 1" : " AND version = ?");
        var statement = jdbc.sql(sql).param(name);
        if (version != null) {
            statement = statement.param(version);
        }
        return statement.query((rs, i) -> new ToStart(json.readSnapshot(rs.getString(1), WorkflowDef.class),
                rs.getLong(2))).optional();
    }

    public List<WorkflowDef> workflowDefs(boolean latestOnly) {
        String sql = latestOnly
                ? "SELECT DISTINCT ON (name) definition FROM workflow_defs ORDER BY name, version DESC"
                : "SELECT definition FROM workflow_defs ORDER BY name, version";
        return jdbc.sql(sql).query((rs, i) -> json.read(rs.getString(1), WorkflowDef.class)).list();
    }

    public List<WorkflowDefSummary> workflowDefSummaries() {
        return jdbc.sql("SELECT name, version, (definition ->> 'createTime')::bigint FROM workflow_defs "
                        + "ORDER BY name, version")
                .query((rs, i) -> new WorkflowDefSummary(rs.getString(1), rs.getInt(2), (Long) rs.getObject(3)))
                .list();
    }

    public boolean deleteWorkflowDef(String name, int version) {
        return jdbc.sql("DELETE FROM workflow_defs WHERE name = ? AND version = ?").params(name, version).update() > 0;
    }
}
