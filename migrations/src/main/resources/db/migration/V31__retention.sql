-- Retention of finished executions, per tenant: removed once they ended more than retention_days ago, and beyond
-- the newest retention_per_workflow finished executions of the same workflow (null: the installation's default).
-- Only top-level executions are counted and removed; their sub-workflows go with them.

ALTER TABLE tenants
    ADD COLUMN retention_days         integer CHECK (retention_days > 0),
    ADD COLUMN retention_per_workflow integer CHECK (retention_per_workflow > 0);

-- the oldest finished executions of a tenant, and the newest of each workflow, found without reading the rest
CREATE INDEX workflows_finished ON workflows (tenant_id, ended_at)
    WHERE parent_workflow_id IS NULL AND ended_at IS NOT NULL;
CREATE INDEX workflows_finished_by_name ON workflows (tenant_id, name, ended_at DESC, id DESC)
    WHERE parent_workflow_id IS NULL AND ended_at IS NOT NULL;
