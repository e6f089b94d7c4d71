-- Access tokens are checked without a database read, so taking access away must reach every node another way:
-- each revocation is a row here, which every node reads within a second (revocations_since) and applies in memory
-- until the tokens it names have expired. A row names one of: every token of a subject issued before not_before
-- (removed from a team, roles changed, application deleted), every token minted from a key (key deleted), or one
-- token by its id (POST /oauth2/revoke).
CREATE TABLE revocations (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    id         bigserial   PRIMARY KEY,
    subject    text,
    key_id     text,
    token_id   text,
    not_before timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (num_nonnulls(subject, key_id, token_id) = 1)
);
CREATE INDEX revocations_by_time ON revocations (created_at);
ALTER TABLE revocations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON revocations
    USING (tenant_id = current_setting('baton.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('baton.tenant_id', true));
GRANT SELECT, INSERT ON revocations TO ${app_role};
GRANT USAGE ON SEQUENCE revocations_id_seq TO ${app_role};

-- What every node polls: revocations of any tenant made since a moment, still in force.
CREATE FUNCTION revocations_since(since timestamptz)
    RETURNS TABLE (id bigint, subject text, key_id text, token_id text, not_before timestamptz,
                   expires_at timestamptz, created_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT r.id, r.subject, r.key_id, r.token_id, r.not_before, r.expires_at, r.created_at
      FROM revocations r
     WHERE r.created_at > since AND r.expires_at > now()
     ORDER BY r.created_at
$$;
REVOKE ALL ON FUNCTION revocations_since(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION revocations_since(timestamptz) TO ${app_role};

-- Rows whose tokens have all expired name nothing any more.
CREATE FUNCTION purge_revocations() RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    WITH gone AS (DELETE FROM revocations WHERE expires_at < now() - interval '1 minute' RETURNING 1)
    SELECT count(*)::integer FROM gone
$$;
REVOKE ALL ON FUNCTION purge_revocations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_revocations() TO ${app_role};

-- purge_tenant also forgets the tenant's revocations
CREATE OR REPLACE FUNCTION purge_tenant(victim text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
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
