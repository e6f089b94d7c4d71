-- Conductor's archiveWorkflow on remove: a removed workflow that ended is kept as one JSON document (with its tasks)
-- and can still be read by its id, as Conductor keeps it in its index. The live tables lose it at once.

CREATE TABLE archived_workflows (
    tenant_id      text        NOT NULL REFERENCES tenants (id),
    id             uuid        PRIMARY KEY,
    name           text        NOT NULL,
    version        integer     NOT NULL,
    status         text        NOT NULL,
    correlation_id text,
    created_at     timestamptz NOT NULL,
    ended_at       timestamptz,
    archived_at    timestamptz NOT NULL,
    document       bytea       NOT NULL
);
CREATE INDEX archived_workflows_by_name ON archived_workflows (tenant_id, name, archived_at DESC);

ALTER TABLE archived_workflows ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON archived_workflows USING (tenant_id = current_setting('baton.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('baton.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON archived_workflows TO ${app_role};
