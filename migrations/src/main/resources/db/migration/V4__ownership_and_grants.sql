-- Which team owns each definition, and what other teams were granted on it. Kept apart from the engine's
-- tables: the engine runs workflows and knows nothing of teams; the API checks these before calling it.

CREATE TABLE resource_owners (
    tenant_id     text NOT NULL,
    resource_type text NOT NULL CHECK (resource_type IN ('WORKFLOW_DEF', 'TASK_DEF')),
    resource_name text NOT NULL,
    team          text NOT NULL,
    PRIMARY KEY (tenant_id, resource_type, resource_name),
    FOREIGN KEY (tenant_id, team) REFERENCES teams (tenant_id, name) ON DELETE CASCADE
);
CREATE INDEX resource_owners_by_team ON resource_owners (tenant_id, team);

CREATE TABLE grants (
    tenant_id     text   NOT NULL,
    resource_type text   NOT NULL CHECK (resource_type IN ('WORKFLOW_DEF', 'TASK_DEF')),
    resource_name text   NOT NULL,
    team          text   NOT NULL,
    access        text[] NOT NULL CHECK (cardinality(access) > 0 AND access <@ ARRAY['READ', 'EXECUTE', 'UPDATE']),
    PRIMARY KEY (tenant_id, resource_type, resource_name, team),
    FOREIGN KEY (tenant_id, team) REFERENCES teams (tenant_id, name) ON DELETE CASCADE
);
CREATE INDEX grants_by_team ON grants (tenant_id, team);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['resource_owners', 'grants'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''baton.tenant_id'', true)) '
                       'WITH CHECK (tenant_id = current_setting(''baton.tenant_id'', true))', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${app_role}', t);
    END LOOP;
END $$;
