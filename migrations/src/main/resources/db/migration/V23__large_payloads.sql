-- Large payloads. An execution's input, output or variables whose JSON is over the offload size
-- (baton.engine.payloads.offload-bytes) is kept out of its row: the row holds an empty object and names the value
-- in its offloaded column ({"input": "<sha-256 hex>", ...}); the value lives in execution_payloads, once per
-- workflow and content, and goes with its workflow. Rows stay small, so queue scans, decisions that do not read
-- the value, search vectors and the write-ahead log of every status change do not carry it.
--
-- A bytea table under row-level security, not PostgreSQL large objects: large objects sit in one catalog shared by
-- every tenant, reachable by number by anyone granted them, outside row-level security, and outlive the rows that
-- name them unless something unlinks them. TOAST already stores a bytea value out of line and compressed.

ALTER TABLE workflows ADD COLUMN offloaded jsonb;
ALTER TABLE tasks ADD COLUMN offloaded jsonb;

CREATE TABLE execution_payloads (
    tenant_id   text        NOT NULL REFERENCES tenants (id),
    workflow_id uuid        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    hash        text        NOT NULL,
    bytes       integer     NOT NULL,
    data        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workflow_id, hash)
);

-- Conductor's external payload storage protocol, for its official clients: a client asks
-- GET /api/{workflow|tasks}/externalstoragelocation for a place, PUTs the JSON to the URI it is given (without
-- credentials, as the client does), and sends the path in place of the payload. The URI carries a capability:
-- only its SHA-256 is kept, it works for one operation on one path, and it expires.
CREATE TABLE payload_uploads (
    tenant_id    text        NOT NULL REFERENCES tenants (id),
    path         text        NOT NULL,
    payload_type text        NOT NULL,
    data         bytea,
    bytes        integer,
    created_by   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, path)
);
CREATE INDEX payload_uploads_expiry ON payload_uploads (expires_at);

CREATE TABLE payload_tokens (
    token_hash text        PRIMARY KEY,
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    path       text        NOT NULL,
    operation  text        NOT NULL CHECK (operation IN ('READ', 'WRITE')),
    max_bytes  integer     NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX payload_tokens_expiry ON payload_tokens (expires_at);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['execution_payloads', 'payload_uploads', 'payload_tokens'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''baton.tenant_id'', true)) '
                       'WITH CHECK (tenant_id = current_setting(''baton.tenant_id'', true))', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${app_role}', t);
    END LOOP;
END $$;

-- A capability URI is presented without a tenant: this tells only which tenant, path and operation an unexpired
-- token's hash stands for; the read or write itself then runs in that tenant's own row-level-security context.
CREATE FUNCTION payload_token(wanted text)
    RETURNS TABLE (tenant_id text, path text, operation text, max_bytes integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT t.tenant_id, t.path, t.operation, t.max_bytes FROM payload_tokens t
     WHERE t.token_hash = wanted AND t.expires_at > now()
$$;
REVOKE ALL ON FUNCTION payload_token(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION payload_token(text) TO ${app_role};

-- Expired uploads and tokens, across tenants, in bounded batches.
CREATE FUNCTION purge_expired_payload_uploads(max_rows integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    gone integer;
    tokens integer;
BEGIN
    DELETE FROM payload_uploads WHERE ctid IN (
        SELECT ctid FROM payload_uploads WHERE expires_at < now() LIMIT max_rows);
    GET DIAGNOSTICS gone = ROW_COUNT;
    DELETE FROM payload_tokens WHERE ctid IN (
        SELECT ctid FROM payload_tokens WHERE expires_at < now() LIMIT max_rows);
    GET DIAGNOSTICS tokens = ROW_COUNT;
    RETURN gone + tokens;
END $$;
REVOKE ALL ON FUNCTION purge_expired_payload_uploads(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_expired_payload_uploads(integer) TO ${app_role};
