-- Fewer statements per transaction.
--
-- A transaction's tenant used to be bound by a statement of its own, a round trip before the work. The two
-- statements that open most transactions, a worker's poll (poll_tasks, V18) and the lock of a workflow, now bind
-- the tenant themselves: these functions set it first, then run the statement. They are SECURITY INVOKER, so
-- row-level security applies to what they read and write exactly as to the plain statements.
CREATE FUNCTION lock_workflow(p_tenant text, p_id uuid) RETURNS SETOF workflows
    LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    PERFORM set_config('baton.tenant_id', p_tenant, true);
    RETURN QUERY SELECT * FROM workflows WHERE id = p_id FOR UPDATE;
END $$;
GRANT EXECUTE ON FUNCTION lock_workflow(text, uuid) TO ${app_role};

-- A counter per tenant, moved by every change to its task definitions, so that a node may keep the definitions
-- it has read and know, from the statement that reads a workflow's tasks, whether they are still current.
CREATE TABLE task_def_versions (
    tenant_id text   PRIMARY KEY,
    version   bigint NOT NULL
);
ALTER TABLE task_def_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON task_def_versions USING (tenant_id = current_setting('baton.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('baton.tenant_id', true));
GRANT SELECT, INSERT, UPDATE ON task_def_versions TO ${app_role};

CREATE FUNCTION task_defs_changed() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    -- a definition can only be deleted after one was written, so a deletion finds the counter there; it does not
    -- make one, or purging a tenant would leave one behind
    IF TG_OP = 'DELETE' THEN
        UPDATE task_def_versions SET version = version + 1 WHERE tenant_id = OLD.tenant_id;
    ELSE
        INSERT INTO task_def_versions (tenant_id, version) VALUES (NEW.tenant_id, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET version = task_def_versions.version + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER task_defs_changed AFTER INSERT OR UPDATE OR DELETE ON task_defs
    FOR EACH ROW EXECUTE FUNCTION task_defs_changed();

-- tenants that defined tasks before this migration
INSERT INTO task_def_versions (tenant_id, version) SELECT DISTINCT tenant_id, 1 FROM task_defs;
