-- Conductor's events: event handlers (a condition on a message's payload, and actions: start a workflow, complete,
-- fail or terminate, update variables), and the messages they handle. EVENT tasks publish into event_messages in the
-- transaction of the decision that runs them, and messages from brokers are written there when received, so a
-- message is never lost between the engine and its handlers; each action's execution is recorded in the
-- transaction of its effect, so a message handled twice (a node died half-way) acts once.

CREATE TABLE event_handlers (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    name       text        NOT NULL,
    event      text        NOT NULL,
    active     boolean     NOT NULL,
    owner_team text,
    definition jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
CREATE INDEX event_handlers_by_event ON event_handlers (tenant_id, event);

CREATE TABLE event_messages (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    id         uuid PRIMARY KEY,
    event      text        NOT NULL,
    -- IN: to be handled by this tenant's handlers; OUT: to be published to a broker (EVENT task with its sink)
    direction  text        NOT NULL CHECK (direction IN ('IN', 'OUT')),
    payload    jsonb       NOT NULL,
    created_at timestamptz NOT NULL,
    visible_at timestamptz NOT NULL,
    attempts   integer     NOT NULL DEFAULT 0,
    handled_at timestamptz,
    outcome    text
);
CREATE INDEX event_messages_due ON event_messages (visible_at) WHERE handled_at IS NULL;
CREATE INDEX event_messages_handled ON event_messages (handled_at) WHERE handled_at IS NOT NULL;

CREATE TABLE event_executions (
    tenant_id    text        NOT NULL REFERENCES tenants (id),
    message_id   uuid        NOT NULL,
    handler      text        NOT NULL,
    action_index integer     NOT NULL,
    event        text        NOT NULL,
    action       text,
    status       text        NOT NULL CHECK (status IN ('COMPLETED', 'FAILED', 'SKIPPED')),
    output       jsonb       NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, message_id, handler, action_index)
);
CREATE INDEX event_executions_by_time ON event_executions (created_at);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['event_handlers', 'event_messages', 'event_executions'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''baton.tenant_id'', true)) '
                       'WITH CHECK (tenant_id = current_setting(''baton.tenant_id'', true))', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${app_role}', t);
    END LOOP;
END $$;

-- The event processor of every node finds the tenants with messages due here; the messages are then claimed in the
-- tenant's own transaction, under row-level security.
CREATE FUNCTION due_event_tenants(max_rows integer)
    RETURNS TABLE (tenant_id text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT DISTINCT r.tenant_id FROM (
        SELECT m.tenant_id FROM event_messages m
         WHERE m.handled_at IS NULL AND m.visible_at <= clock_timestamp()
           AND m.tenant_id IN (SELECT id FROM tenants WHERE status = 'ACTIVE')
         ORDER BY m.visible_at LIMIT max_rows) r
$$;
REVOKE ALL ON FUNCTION due_event_tenants(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION due_event_tenants(integer) TO ${app_role};

-- The events of active handlers that come from a broker (not the internal conductor queue), every tenant's: each
-- node subscribes to these.
CREATE FUNCTION active_broker_events()
    RETURNS TABLE (tenant_id text, event text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT DISTINCT h.tenant_id, h.event FROM event_handlers h
     WHERE h.active AND split_part(h.event, ':', 1) <> 'conductor'
       AND h.tenant_id IN (SELECT id FROM tenants WHERE status = 'ACTIVE')
$$;
REVOKE ALL ON FUNCTION active_broker_events() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION active_broker_events() TO ${app_role};

-- Handled messages and their executions are kept for a while (to be looked at), then removed in small batches.
CREATE FUNCTION purge_event_history(kept interval, max_rows integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE removed integer;
BEGIN
    DELETE FROM event_messages WHERE id IN (SELECT id FROM event_messages
        WHERE handled_at IS NOT NULL AND handled_at < clock_timestamp() - kept LIMIT max_rows);
    GET DIAGNOSTICS removed = ROW_COUNT;
    DELETE FROM event_executions WHERE ctid IN (SELECT ctid FROM event_executions
        WHERE created_at < clock_timestamp() - kept LIMIT max_rows);
    RETURN removed;
END $$;
REVOKE ALL ON FUNCTION purge_event_history(interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_event_history(interval, integer) TO ${app_role};

ALTER TABLE resource_owners DROP CONSTRAINT resource_owners_resource_type_check;
ALTER TABLE resource_owners ADD CONSTRAINT resource_owners_resource_type_check
    CHECK (resource_type IN ('WORKFLOW_DEF', 'TASK_DEF', 'SECRET', 'CONNECTION', 'EVENT_HANDLER'));
ALTER TABLE grants DROP CONSTRAINT grants_resource_type_check;
ALTER TABLE grants ADD CONSTRAINT grants_resource_type_check
    CHECK (resource_type IN ('WORKFLOW_DEF', 'TASK_DEF', 'SECRET', 'CONNECTION', 'EVENT_HANDLER'));
