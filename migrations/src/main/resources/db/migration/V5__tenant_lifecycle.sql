-- Tenants are created, suspended, resumed, limited and deleted by platform operators through the API.

ALTER TABLE tenants
    ADD COLUMN max_running_workflows   integer CHECK (max_running_workflows > 0),
    ADD COLUMN max_requests_per_second integer CHECK (max_requests_per_second > 0),
    ADD COLUMN max_payload_bytes       integer CHECK (max_payload_bytes > 0);
GRANT INSERT, UPDATE ON tenants TO ${app_role};

-- Who may manage tenants: the first administrator of an installation and whoever they make operators.
ALTER TABLE users ADD COLUMN platform_operator boolean NOT NULL DEFAULT false;
ALTER TABLE applications ADD COLUMN platform_operator boolean NOT NULL DEFAULT false;

-- A suspended tenant's timers do not fire: its workflows stay where they are until it is resumed.
CREATE OR REPLACE FUNCTION due_timers(max_rows integer)
    RETURNS TABLE (tenant_id text, workflow_id uuid, task_id uuid, due_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    (SELECT t.tenant_id, t.workflow_id, t.id, t.due_at FROM tasks t
      WHERE t.due_at <= clock_timestamp()
        AND t.tenant_id IN (SELECT id FROM tenants WHERE status = 'ACTIVE')
      ORDER BY t.due_at LIMIT max_rows)
    UNION ALL
    (SELECT w.tenant_id, w.id, NULL::uuid, w.timeout_at FROM workflows w
      WHERE w.timeout_at <= clock_timestamp()
        AND w.tenant_id IN (SELECT id FROM tenants WHERE status = 'ACTIVE')
      ORDER BY w.timeout_at LIMIT max_rows)
$$;

-- Deleting a tenant removes every row it has, its audit trail included (which the application role may
-- otherwise never delete). Only the API's platform-operator check stands before it.
CREATE FUNCTION purge_tenant(victim text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    DELETE FROM task_logs WHERE tenant_id = victim;
    DELETE FROM tasks WHERE tenant_id = victim;
    DELETE FROM workflows WHERE tenant_id = victim;
    DELETE FROM workflow_defs WHERE tenant_id = victim;
    DELETE FROM task_defs WHERE tenant_id = victim;
    DELETE FROM grants WHERE tenant_id = victim;
    DELETE FROM resource_owners WHERE tenant_id = victim;
    DELETE FROM application_keys WHERE tenant_id = victim;
    DELETE FROM applications WHERE tenant_id = victim;
    DELETE FROM team_members WHERE tenant_id = victim;
    DELETE FROM users WHERE tenant_id = victim;
    DELETE FROM teams WHERE tenant_id = victim;
    DELETE FROM audit_log WHERE tenant_id = victim;
    DELETE FROM tenants WHERE id = victim;
    RETURN FOUND;
END $$;
REVOKE ALL ON FUNCTION purge_tenant(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_tenant(text) TO ${app_role};
