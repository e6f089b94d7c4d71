-- The audit trail: who did what, in which tenant, with what outcome. Append-only for the application
-- (it may insert and read, never update or delete) and chained per tenant: each entry's hash covers its
-- own fields and its predecessor's hash, so an entry changed or removed behind the application's back
-- breaks verification from that point on.

CREATE TABLE audit_log (
    tenant_id      text        NOT NULL REFERENCES tenants (id),
    seq            bigint      NOT NULL CHECK (seq >= 1),
    id             uuid        NOT NULL UNIQUE,
    at             timestamptz NOT NULL,
    actor          text        NOT NULL,
    actor_name     text,
    actor_kind     text        NOT NULL,
    team           text,
    action         text        NOT NULL,
    resource       text        NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('SUCCEEDED', 'DENIED', 'FAILED')),
    status         integer,
    request_id     text        NOT NULL,
    source_address text,
    prev_hash      text        NOT NULL,
    hash           text        NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_by_time ON audit_log (tenant_id, at);
CREATE INDEX audit_log_by_actor ON audit_log (tenant_id, actor, at);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
    USING (tenant_id = current_setting('baton.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('baton.tenant_id', true));
GRANT SELECT, INSERT ON audit_log TO ${app_role};
