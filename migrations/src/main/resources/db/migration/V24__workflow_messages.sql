-- Conductor's workflow message queue: messages pushed to a running workflow (POST /api/workflow/{id}/messages),
-- which its PULL_WORKFLOW_MESSAGES tasks take in order. A message goes with its workflow, and is not delivered once
-- its time to live has passed.

CREATE TABLE workflow_messages (
    tenant_id   text        NOT NULL REFERENCES tenants (id),
    workflow_id uuid        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    seq         bigint      GENERATED ALWAYS AS IDENTITY,
    id          uuid        NOT NULL,
    payload     jsonb       NOT NULL,
    received_at timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (workflow_id, seq)
);

ALTER TABLE workflow_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON workflow_messages USING (tenant_id = current_setting('baton.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('baton.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON workflow_messages TO ${app_role};
