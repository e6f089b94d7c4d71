-- Task limits held in Redis when a server is configured with it (Redisson): a poll of a limited type first locks its
-- candidates, asks Redis how many may start, then starts those. A task that starts holding a concurrency permit
-- keeps its reference, so that whatever ends the task gives the permit back.

ALTER TABLE tasks ADD COLUMN limit_permit text;

-- The candidates of a poll, locked for it, in queue order; binds the tenant first, as poll_tasks does.
CREATE FUNCTION poll_candidates(p_tenant text, p_queue text, p_count integer) RETURNS SETOF uuid
    LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    PERFORM set_config('baton.tenant_id', p_tenant, true);
    RETURN QUERY SELECT id FROM tasks
                  WHERE tenant_id = p_tenant AND queue = p_queue AND status = 'SCHEDULED'
                    AND visible_at <= clock_timestamp()
                  ORDER BY priority DESC, visible_at
                  LIMIT p_count FOR UPDATE SKIP LOCKED;
END $$;
GRANT EXECUTE ON FUNCTION poll_candidates(text, text, integer) TO ${app_role};

-- Starts polled tasks for a worker: IN_PROGRESS, with their response deadline and, when given, the permit each holds.
CREATE FUNCTION start_polled(p_ids uuid[], p_permits text[], p_worker text) RETURNS SETOF tasks
    LANGUAGE sql SET search_path = public AS $$
    WITH taken AS (
      UPDATE tasks t SET status = 'IN_PROGRESS', poll_count = t.poll_count + 1, worker_id = p_worker,
        started_at = clock_timestamp(), first_started_at = coalesce(t.first_started_at, clock_timestamp()),
        updated_at = clock_timestamp(), callback_after_seconds = 0,
        limit_permit = p_permits[array_position(p_ids, t.id)],
        due_at = least(clock_timestamp() + make_interval(secs => t.response_timeout_seconds),
                       CASE WHEN (t.workflow_task -> 'taskDefinition' ->> 'timeoutSeconds')::bigint > 0
                            THEN coalesce(t.first_started_at, clock_timestamp())
                                 + make_interval(secs => (t.workflow_task -> 'taskDefinition' ->> 'timeoutSeconds')::bigint)
                       END)
      WHERE t.id = ANY (p_ids)
      RETURNING t.*)
    SELECT * FROM taken ORDER BY priority DESC, visible_at
$$;
GRANT EXECUTE ON FUNCTION start_polled(uuid[], text[], text) TO ${app_role};
