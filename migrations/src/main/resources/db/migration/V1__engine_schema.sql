-- Engine schema. Every tenant-scoped table carries tenant_id and is guarded by
-- row-level security: the application role (${app_role}) does not own these tables,
-- so the policies apply to every statement it runs, whatever the Java code forgets.
-- The current tenant is the transaction-local setting baton.tenant_id.

CREATE TABLE tenants (
    id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name       text        NOT NULL,
    status     text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO tenants (id, name) VALUES ('default', 'Default tenant');

CREATE TABLE task_defs (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    name       text        NOT NULL,
    definition jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE workflow_defs (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    name       text        NOT NULL,
    version    integer     NOT NULL CHECK (version > 0),
    definition jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name, version)
);

CREATE TABLE workflows (
    tenant_id          text        NOT NULL REFERENCES tenants (id),
    id                 uuid PRIMARY KEY,
    name               text        NOT NULL,
    version            integer     NOT NULL,
    status             text        NOT NULL,
    correlation_id     text,
    priority           integer     NOT NULL DEFAULT 0,
    idempotency_key    text,
    parent_workflow_id uuid,
    parent_task_id     uuid,
    definition         jsonb       NOT NULL,
    input              jsonb       NOT NULL,
    output             jsonb       NOT NULL DEFAULT '{}',
    variables          jsonb       NOT NULL DEFAULT '{}',
    task_to_domain     jsonb       NOT NULL DEFAULT '{}',
    reason             text,
    failed_task_names  text[]      NOT NULL DEFAULT '{}',
    failed_ref_names   text[]      NOT NULL DEFAULT '{}',
    rerun_from_id      uuid,
    created_by         text,
    event              text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    ended_at           timestamptz,
    last_retried_at    timestamptz,
    timeout_at         timestamptz
);
CREATE UNIQUE INDEX workflows_idempotency ON workflows (tenant_id, name, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX workflows_by_name ON workflows (tenant_id, name, created_at DESC);
CREATE INDEX workflows_by_status ON workflows (tenant_id, status, created_at DESC);
CREATE INDEX workflows_by_correlation ON workflows (tenant_id, correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX workflows_by_parent ON workflows (parent_workflow_id) WHERE parent_workflow_id IS NOT NULL;
CREATE INDEX workflows_timeout ON workflows (timeout_at) WHERE timeout_at IS NOT NULL;
CREATE INDEX workflows_free_text ON workflows USING gin (
    to_tsvector('simple', name || ' ' || coalesce(correlation_id, '') || ' ' || coalesce(reason, '') || ' ' || input::text));

CREATE TABLE tasks (
    tenant_id              text        NOT NULL REFERENCES tenants (id),
    id                     uuid PRIMARY KEY,
    workflow_id            uuid        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    seq                    integer     NOT NULL,
    ref_name               text        NOT NULL,
    task_type              text        NOT NULL,
    task_def_name          text        NOT NULL,
    status                 text        NOT NULL,
    iteration              integer     NOT NULL DEFAULT 0,
    retry_count            integer     NOT NULL DEFAULT 0,
    poll_count             integer     NOT NULL DEFAULT 0,
    retried                boolean     NOT NULL DEFAULT false,
    executed               boolean     NOT NULL DEFAULT false,
    input                  jsonb       NOT NULL DEFAULT '{}',
    output                 jsonb       NOT NULL DEFAULT '{}',
    workflow_task          jsonb       NOT NULL,
    reason                 text,
    worker_id              text,
    domain                 text,
    callback_after_seconds bigint      NOT NULL DEFAULT 0,
    response_timeout_seconds bigint    NOT NULL DEFAULT 0,
    workflow_type          text        NOT NULL,
    wait_until             timestamptz,
    priority               integer     NOT NULL DEFAULT 0,
    queue                  text,
    retried_task_id        uuid,
    sub_workflow_id        uuid,
    parent_task_id         uuid,
    scheduled_at           timestamptz NOT NULL,
    visible_at             timestamptz NOT NULL,
    started_at             timestamptz,
    first_started_at       timestamptz,
    ended_at               timestamptz,
    updated_at             timestamptz NOT NULL,
    due_at                 timestamptz
);
CREATE INDEX tasks_by_workflow ON tasks (workflow_id, seq);
-- The worker queue: scheduled tasks of one queue, highest priority and oldest first.
CREATE INDEX tasks_queue ON tasks (tenant_id, queue, priority DESC, visible_at) WHERE status = 'SCHEDULED' AND queue IS NOT NULL;
-- Timers: the sweeper looks at a task when its earliest deadline (delay, timeout, wait) passes.
CREATE INDEX tasks_due ON tasks (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX tasks_by_type ON tasks (tenant_id, task_def_name, updated_at DESC);

CREATE TABLE task_logs (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    task_id    uuid        NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    log        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX task_logs_by_task ON task_logs (task_id, created_at);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['task_defs', 'workflow_defs', 'workflows', 'tasks', 'task_logs'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''baton.tenant_id'', true)) '
                       'WITH CHECK (tenant_id = current_setting(''baton.tenant_id'', true))', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${app_role}', t);
    END LOOP;
END $$;
GRANT SELECT ON tenants TO ${app_role};

-- The timer sweeper works across tenants. It learns only which (tenant, workflow, task)
-- is due through this function, which runs as the tables' owner; it then handles each
-- one inside that tenant's own row-level-security context.
CREATE FUNCTION due_timers(max_rows integer)
    RETURNS TABLE (tenant_id text, workflow_id uuid, task_id uuid, due_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    (SELECT t.tenant_id, t.workflow_id, t.id, t.due_at FROM tasks t
      WHERE t.due_at <= clock_timestamp() ORDER BY t.due_at LIMIT max_rows)
    UNION ALL
    (SELECT w.tenant_id, w.id, NULL::uuid, w.timeout_at FROM workflows w
      WHERE w.timeout_at <= clock_timestamp() ORDER BY w.timeout_at LIMIT max_rows)
$$;
REVOKE ALL ON FUNCTION due_timers(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION due_timers(integer) TO ${app_role};
