-- Status listeners: a tenant's subscriptions to workflow and task status changes, delivered as signed webhooks or
-- published to a broker sink (amqp:..., nats:..., in the tenant's own namespace there, as events are).
-- A change notes a delivery for every listener that wants it inside the change's own transaction (a trigger), so a
-- committed change is never missed and a rolled-back one never told; the workflow pays one index probe when its
-- tenant has no listener. Every node sends due deliveries, claimed with SKIP LOCKED and a lease, a few per tenant at
-- a time; a failed one waits longer each time and, after its last attempt, stays as a dead letter until redelivered.
-- A delivery holds the change's ids, names and status (a reason cut to 1000 characters), never inputs or outputs.

CREATE TABLE status_listeners (
    tenant_id      text        NOT NULL REFERENCES tenants (id),
    name           text        NOT NULL,
    -- null: the tenant administrators', which hears every execution of the tenant; else the team's executions and
    -- those of no team (which every team of the tenant may read)
    owner_team     text,
    events         text[]      NOT NULL,
    -- empty: every workflow
    workflow_names text[]      NOT NULL DEFAULT '{}',
    -- a webhook's address, or else a broker sink like nats:orders.status
    url            text,
    sink           text,
    -- the name of the vault secret a webhook's deliveries are signed with
    signing_secret text,
    enabled        boolean     NOT NULL DEFAULT true,
    created_by     text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name),
    CHECK ((url IS NOT NULL AND signing_secret IS NOT NULL AND sink IS NULL) OR (url IS NULL AND sink IS NOT NULL))
);

CREATE TABLE listener_deliveries (
    tenant_id       text        NOT NULL,
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    listener_name   text        NOT NULL,
    event           text        NOT NULL,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'DEAD')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at     timestamptz,
    FOREIGN KEY (tenant_id, listener_name) REFERENCES status_listeners (tenant_id, name) ON DELETE CASCADE
);
CREATE INDEX listener_deliveries_due ON listener_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX listener_deliveries_by_listener
    ON listener_deliveries (tenant_id, listener_name, status, created_at DESC);
CREATE INDEX listener_deliveries_finished ON listener_deliveries (finished_at) WHERE status = 'DELIVERED';

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['status_listeners', 'listener_deliveries'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''baton.tenant_id'', true)) '
                       'WITH CHECK (tenant_id = current_setting(''baton.tenant_id'', true))', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${app_role}', t);
    END LOOP;
END $$;

-- Notes a delivery for each listener of the workflow's tenant that wants this workflow's new status.
CREATE FUNCTION listeners_note_workflow() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM status_listeners WHERE tenant_id = NEW.tenant_id AND enabled) THEN
        RETURN NULL;
    END IF;
    INSERT INTO listener_deliveries (tenant_id, listener_name, event, payload)
    SELECT NEW.tenant_id, l.name, 'workflow.' || NEW.status, jsonb_strip_nulls(jsonb_build_object(
               'event', 'workflow.' || NEW.status, 'occurredAt', clock_timestamp(),
               'workflowId', NEW.id, 'workflowName', NEW.name, 'workflowVersion', NEW.version,
               'correlationId', NEW.correlation_id, 'status', NEW.status, 'reason', left(NEW.reason, 1000),
               'ownerTeam', NEW.owner_team))
      FROM status_listeners l
     WHERE l.tenant_id = NEW.tenant_id AND l.enabled
       AND 'workflow.' || NEW.status = ANY (l.events)
       AND (l.owner_team IS NULL OR NEW.owner_team IS NULL OR l.owner_team = NEW.owner_team)
       AND (cardinality(l.workflow_names) = 0 OR NEW.name = ANY (l.workflow_names));
    RETURN NULL;
END $$;

-- The same for a task's new status; the task's workflow tells which team's execution it is.
CREATE FUNCTION listeners_note_task() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    team text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM status_listeners WHERE tenant_id = NEW.tenant_id AND enabled) THEN
        RETURN NULL;
    END IF;
    SELECT w.owner_team INTO team FROM workflows w WHERE w.id = NEW.workflow_id;
    INSERT INTO listener_deliveries (tenant_id, listener_name, event, payload)
    SELECT NEW.tenant_id, l.name, 'task.' || NEW.status, jsonb_strip_nulls(jsonb_build_object(
               'event', 'task.' || NEW.status, 'occurredAt', clock_timestamp(),
               'taskId', NEW.id, 'referenceTaskName', NEW.ref_name, 'taskDefName', NEW.task_def_name,
               -- the type as Conductor reports it: a worker task's own name, FORK for either fork
               'taskType', CASE WHEN NEW.task_type = 'SIMPLE' THEN NEW.task_def_name
                                WHEN NEW.task_type IN ('FORK_JOIN', 'FORK_JOIN_DYNAMIC') THEN 'FORK'
                                ELSE NEW.task_type END,
               'status', NEW.status, 'reason', left(NEW.reason, 1000), 'retryCount', NEW.retry_count,
               'workerId', NEW.worker_id, 'workflowId', NEW.workflow_id, 'workflowName', NEW.workflow_type,
               'ownerTeam', team))
      FROM status_listeners l
     WHERE l.tenant_id = NEW.tenant_id AND l.enabled
       AND 'task.' || NEW.status = ANY (l.events)
       AND (l.owner_team IS NULL OR team IS NULL OR l.owner_team = team)
       AND (cardinality(l.workflow_names) = 0 OR NEW.workflow_type = ANY (l.workflow_names));
    RETURN NULL;
END $$;

CREATE TRIGGER workflows_listeners_insert AFTER INSERT ON workflows
    FOR EACH ROW EXECUTE FUNCTION listeners_note_workflow();
CREATE TRIGGER workflows_listeners_status AFTER UPDATE OF status ON workflows
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION listeners_note_workflow();
CREATE TRIGGER tasks_listeners_insert AFTER INSERT ON tasks
    FOR EACH ROW EXECUTE FUNCTION listeners_note_task();
CREATE TRIGGER tasks_listeners_status AFTER UPDATE OF status ON tasks
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION listeners_note_task();

-- Claims due deliveries for sending, across tenants: at most per_tenant of each tenant (the oldest), none of the
-- tenants given as busy, max_rows in all; each claimed one counts an attempt and is leased until lease_until.
CREATE FUNCTION claim_listener_deliveries(max_rows integer, per_tenant integer, busy text[], lease interval)
    RETURNS TABLE (tenant_id text, id uuid, listener_name text, event text, payload text, attempts integer,
                   url text, sink text, signing_secret text, owner_team text)
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    WITH due AS (
        SELECT d.id FROM listener_deliveries d
         WHERE d.status = 'PENDING' AND d.next_attempt_at <= clock_timestamp()
           AND NOT (d.tenant_id = ANY (busy))
           AND d.tenant_id IN (SELECT t.id FROM tenants t WHERE t.status = 'ACTIVE')
         ORDER BY d.next_attempt_at LIMIT max_rows * 4
           FOR UPDATE SKIP LOCKED),
    fair AS (
        SELECT d.id FROM (SELECT d.id, d.tenant_id, d.next_attempt_at,
                                 row_number() OVER (PARTITION BY d.tenant_id ORDER BY d.next_attempt_at) AS n
                            FROM listener_deliveries d JOIN due USING (id)) d
         WHERE d.n <= per_tenant ORDER BY d.next_attempt_at LIMIT max_rows),
    claimed AS (
        UPDATE listener_deliveries d SET attempts = d.attempts + 1, next_attempt_at = clock_timestamp() + lease
          FROM fair WHERE d.id = fair.id
        RETURNING d.tenant_id, d.id, d.listener_name, d.event, d.payload, d.attempts)
    SELECT c.tenant_id, c.id, c.listener_name, c.event, c.payload::text, c.attempts, l.url, l.sink,
           l.signing_secret, l.owner_team
      FROM claimed c JOIN status_listeners l ON l.tenant_id = c.tenant_id AND l.name = c.listener_name
$$;

-- Forgets delivered deliveries older than kept, max_rows at a time; dead letters stay until redelivered or their
-- listener is removed.
CREATE FUNCTION purge_listener_deliveries(kept interval, max_rows integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE removed integer;
BEGIN
    DELETE FROM listener_deliveries WHERE id IN (SELECT d.id FROM listener_deliveries d
        WHERE d.status = 'DELIVERED' AND d.finished_at < clock_timestamp() - kept LIMIT max_rows);
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END $$;

-- The installation's deliveries waiting (counted up to 1,000,000) and dead, and how long the oldest due one has
-- waited past its time.
CREATE FUNCTION listener_backlog() RETURNS TABLE (pending bigint, dead bigint, oldest_due timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT (SELECT count(*) FROM (SELECT 1 FROM listener_deliveries WHERE status = 'PENDING' LIMIT 1000000) p),
           (SELECT count(*) FROM (SELECT 1 FROM listener_deliveries WHERE status = 'DEAD' LIMIT 1000000) d),
           (SELECT min(next_attempt_at) FROM listener_deliveries
             WHERE status = 'PENDING' AND next_attempt_at <= clock_timestamp())
$$;

REVOKE ALL ON FUNCTION listener_backlog() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION listener_backlog() TO ${app_role};
REVOKE ALL ON FUNCTION listeners_note_workflow() FROM PUBLIC;
REVOKE ALL ON FUNCTION listeners_note_task() FROM PUBLIC;
REVOKE ALL ON FUNCTION claim_listener_deliveries(integer, integer, text[], interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION purge_listener_deliveries(interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_listener_deliveries(integer, integer, text[], interval) TO ${app_role};
GRANT EXECUTE ON FUNCTION purge_listener_deliveries(interval, integer) TO ${app_role};

ALTER TABLE resource_owners DROP CONSTRAINT resource_owners_resource_type_check;
ALTER TABLE resource_owners ADD CONSTRAINT resource_owners_resource_type_check
    CHECK (resource_type IN ('WORKFLOW_DEF', 'TASK_DEF', 'SECRET', 'CONNECTION', 'EVENT_HANDLER', 'SCHEDULE',
                             'LISTENER'));
ALTER TABLE grants DROP CONSTRAINT grants_resource_type_check;
ALTER TABLE grants ADD CONSTRAINT grants_resource_type_check
    CHECK (resource_type IN ('WORKFLOW_DEF', 'TASK_DEF', 'SECRET', 'CONNECTION', 'EVENT_HANDLER', 'SCHEDULE',
                             'LISTENER'));
