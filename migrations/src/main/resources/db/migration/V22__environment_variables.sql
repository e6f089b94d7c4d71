-- A tenant's environment variables (Conductor's and Orkes' /api/environment): named values every workflow of the
-- tenant reads as env.name in its expressions. They are not secrets: anyone of the tenant may read them.

CREATE TABLE environment_variables (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    name       text        NOT NULL,
    value      text        NOT NULL,
    updated_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

ALTER TABLE environment_variables ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON environment_variables USING (tenant_id = current_setting('baton.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('baton.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON environment_variables TO ${app_role};
