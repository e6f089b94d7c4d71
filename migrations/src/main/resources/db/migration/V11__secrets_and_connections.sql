-- A tenant's secrets and named connections. Values are encrypted by the application (AES-GCM, bound to their row)
-- with keys from its configuration; this database never sees them in the clear.

CREATE TABLE secrets (
    tenant_id   text        NOT NULL REFERENCES tenants (id),
    name        text        NOT NULL,
    owner_team  text        NOT NULL,
    description text,
    key_id      text        NOT NULL,
    ciphertext  bytea       NOT NULL,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE connections (
    tenant_id       text        NOT NULL REFERENCES tenants (id),
    name            text        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('SMTP', 'DATABASE', 'KUBERNETES', 'HTTP')),
    owner_team      text        NOT NULL,
    description     text,
    settings        jsonb       NOT NULL,
    key_id          text        NOT NULL,
    secret_settings bytea       NOT NULL,
    created_by      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['secrets', 'connections'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''baton.tenant_id'', true)) '
                       'WITH CHECK (tenant_id = current_setting(''baton.tenant_id'', true))', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${app_role}', t);
    END LOOP;
END $$;

-- Teams own secrets and connections, and grant their use, like definitions.
ALTER TABLE resource_owners DROP CONSTRAINT resource_owners_resource_type_check;
ALTER TABLE resource_owners ADD CONSTRAINT resource_owners_resource_type_check
    CHECK (resource_type IN ('WORKFLOW_DEF', 'TASK_DEF', 'SECRET', 'CONNECTION'));
ALTER TABLE grants DROP CONSTRAINT grants_resource_type_check;
ALTER TABLE grants ADD CONSTRAINT grants_resource_type_check
    CHECK (resource_type IN ('WORKFLOW_DEF', 'TASK_DEF', 'SECRET', 'CONNECTION'));
