-- External OpenID Connect issuers a tenant's administrators registered: tokens from such an issuer, for
-- the registered audience, sign a caller into that tenant, with teams and roles mapped from the token's
-- groups. An (issuer, audience) pair belongs to one tenant only, so a token can never name two.

CREATE TABLE identity_providers (
    tenant_id      text        NOT NULL REFERENCES tenants (id),
    id             uuid        PRIMARY KEY,
    issuer         text        NOT NULL CHECK (issuer ~ '^https?://'),
    audience       text        NOT NULL CHECK (length(audience) BETWEEN 1 AND 500),
    user_claim     text        NOT NULL DEFAULT 'sub',
    name_claim     text        NOT NULL DEFAULT 'name',
    groups_claim   text,
    group_mappings jsonb       NOT NULL DEFAULT '[]',
    admin_group    text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (issuer, audience)
);
ALTER TABLE identity_providers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity_providers
    USING (tenant_id = current_setting('baton.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('baton.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON identity_providers TO ${app_role};

-- A token names its issuer before anyone knows its tenant: this finds the registrations of one issuer.
CREATE FUNCTION identity_providers_for(wanted_issuer text)
    RETURNS TABLE (tenant_id text, id uuid, issuer text, audience text, user_claim text, name_claim text,
                   groups_claim text, group_mappings jsonb, admin_group text, tenant_status text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT p.tenant_id, p.id, p.issuer, p.audience, p.user_claim, p.name_claim, p.groups_claim,
           p.group_mappings, p.admin_group, t.status
      FROM identity_providers p JOIN tenants t ON t.id = p.tenant_id
     WHERE p.issuer = wanted_issuer
$$;
REVOKE ALL ON FUNCTION identity_providers_for(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity_providers_for(text) TO ${app_role};

-- purge_tenant also forgets the tenant's issuers
CREATE OR REPLACE FUNCTION purge_tenant(victim text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
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
