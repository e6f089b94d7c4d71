-- Conductor's scheduler: cron schedules that start workflows. Every node fires due schedules, each in its
-- tenant's own transaction with the schedule's row locked (FOR UPDATE SKIP LOCKED), which starts the workflow,
-- records the execution and moves the next run forward together: one fire starts one workflow, whatever the
-- number of nodes.

CREATE TABLE schedules (
    tenant_id     text        NOT NULL REFERENCES tenants (id),
    name          text        NOT NULL,
    workflow_name text        NOT NULL,
    paused        boolean     NOT NULL,
    next_run_at   timestamptz,
    owner_team    text,
    definition    jsonb       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE NOT paused AND next_run_at IS NOT NULL;

CREATE TABLE schedule_executions (
    tenant_id      text        NOT NULL REFERENCES tenants (id),
    id             uuid PRIMARY KEY,
    schedule_name  text        NOT NULL,
    scheduled_time timestamptz NOT NULL,
    execution_time timestamptz NOT NULL,
    workflow_name  text        NOT NULL,
    workflow_id    uuid,
    state          text        NOT NULL CHECK (state IN ('POLLED', 'FAILED', 'EXECUTED')),
    reason         text,
    zone_id        text        NOT NULL,
    request        jsonb       NOT NULL
);
CREATE INDEX schedule_executions_by_schedule ON schedule_executions (tenant_id, schedule_name, scheduled_time DESC);
CREATE INDEX schedule_executions_by_time ON schedule_executions (execution_time);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['schedules', 'schedule_executions'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''baton.tenant_id'', true)) '
                       'WITH CHECK (tenant_id = current_setting(''baton.tenant_id'', true))', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${app_role}', t);
    END LOOP;
END $$;

CREATE FUNCTION due_schedules(max_rows integer)
    RETURNS TABLE (tenant_id text, name text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT s.tenant_id, s.name FROM schedules s
     WHERE NOT s.paused AND s.next_run_at <= clock_timestamp()
       AND s.tenant_id IN (SELECT id FROM tenants WHERE status = 'ACTIVE')
     ORDER BY s.next_run_at LIMIT max_rows
$$;
REVOKE ALL ON FUNCTION due_schedules(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION due_schedules(integer) TO ${app_role};

CREATE FUNCTION purge_schedule_executions(kept interval, max_rows integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE removed integer;
BEGIN
    DELETE FROM schedule_executions WHERE id IN (SELECT id FROM schedule_executions
        WHERE execution_time < clock_timestamp() - kept LIMIT max_rows);
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END $$;
REVOKE ALL ON FUNCTION purge_schedule_executions(interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_schedule_executions(interval, integer) TO ${app_role};

ALTER TABLE resource_owners DROP CONSTRAINT resource_owners_resource_type_check;
ALTER TABLE resource_owners ADD CONSTRAINT resource_owners_resource_type_check
    CHECK (resource_type IN ('WORKFLOW_DEF', 'TASK_DEF', 'SECRET', 'CONNECTION', 'EVENT_HANDLER', 'SCHEDULE'));
ALTER TABLE grants DROP CONSTRAINT grants_resource_type_check;
ALTER TABLE grants ADD CONSTRAINT grants_resource_type_check
    CHECK (resource_type IN ('WORKFLOW_DEF', 'TASK_DEF', 'SECRET', 'CONNECTION', 'EVENT_HANDLER', 'SCHEDULE'));
