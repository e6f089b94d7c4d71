-- A tenant may narrow where its HTTP tasks call: when its list is not empty, only those hosts ("api.example.com")
-- or their subdomains ("*.example.com") are reached, on top of the operator-wide address rule.
CREATE TABLE tenant_http_hosts (
    tenant_id  text        PRIMARY KEY REFERENCES tenants (id),
    hosts      text[]      NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenant_http_hosts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_http_hosts USING (tenant_id = current_setting('baton.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('baton.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_http_hosts TO ${app_role};

CREATE OR REPLACE FUNCTION purge_tenant(victim text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    DELETE FROM tenant_http_hosts WHERE tenant_id = victim;
    DELETE FROM secrets WHERE tenant_id = victim;
    DELETE FROM connections WHERE tenant_id = victim;
    DELETE FROM catalog_versions WHERE tenant_id = victim;
    DELETE FROM catalog_entries WHERE tenant_id = victim;
    DELETE FROM revocations WHERE tenant_id = victim;
    DELETE FROM identity_providers WHERE tenant_id = victim;
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
