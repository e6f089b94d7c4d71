-- WAIT_FOR_EVENTS: a task waiting for several named events (all of them, or any), each matched on fields of its
-- payload. A waiting task has a row per event, written in the decision that starts it; the event processor marks a
-- row received (with the payload) in the transaction that completes the task when that was the last one awaited.

CREATE TABLE event_waits (
    tenant_id   text        NOT NULL REFERENCES tenants (id),
    task_id     uuid        NOT NULL,
    event       text        NOT NULL,
    workflow_id uuid        NOT NULL,
    task_ref    text        NOT NULL,
    wait_all    boolean     NOT NULL,
    match       jsonb       NOT NULL,
    received    jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, task_id, event)
);
CREATE INDEX event_waits_by_event ON event_waits (tenant_id, event) WHERE received IS NULL;

ALTER TABLE event_waits ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON event_waits USING (tenant_id = current_setting('baton.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('baton.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON event_waits TO ${app_role};

-- Waits whose task ended some other way (timed out, cancelled on a node that did not clean up) go in batches.
CREATE FUNCTION purge_event_waits(max_rows integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE removed integer;
BEGIN
    DELETE FROM event_waits WHERE ctid IN (SELECT w.ctid FROM event_waits w
        WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = w.task_id AND t.status IN ('SCHEDULED', 'IN_PROGRESS'))
        LIMIT max_rows);
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END $$;
REVOKE ALL ON FUNCTION purge_event_waits(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_event_waits(integer) TO ${app_role};
