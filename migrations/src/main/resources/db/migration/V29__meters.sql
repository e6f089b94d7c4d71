-- What the meters of a node read (Micrometer, scraped by Prometheus).
--
-- A poll of a limited task type tells how many ready tasks its limit held back, in the transaction's setting
-- baton.limit_held, which the server reads after polls of limited types only; the rest of poll_tasks is as in V18.
CREATE OR REPLACE FUNCTION poll_tasks(p_tenant text, p_queue text, p_count integer, p_worker text) RETURNS SETOF tasks
    LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    picked uuid[];
    type_name text;
    def jsonb;
    allowed integer;
    concurrency integer;
    per_window integer;
    window_seconds integer;
BEGIN
    PERFORM set_config('baton.tenant_id', p_tenant, true);
    -- one queue holds one task type, so the first task tells the limits of all
    SELECT array_agg(s.id ORDER BY s.priority DESC, s.visible_at), min(s.task_def_name),
           (array_agg(s.def ORDER BY s.priority DESC, s.visible_at))[1]
      INTO picked, type_name, def
      FROM (SELECT id, priority, visible_at, task_def_name, workflow_task -> 'taskDefinition' AS def FROM tasks
             WHERE tenant_id = p_tenant AND queue = p_queue AND status = 'SCHEDULED'
               AND visible_at <= clock_timestamp()
             ORDER BY priority DESC, visible_at
             LIMIT p_count FOR UPDATE SKIP LOCKED) s;
    IF picked IS NULL THEN
        RETURN;
    END IF;
    concurrency := coalesce((def ->> 'concurrentExecLimit')::int, 0);
    per_window := coalesce((def ->> 'rateLimitPerFrequency')::int, 0);
    IF concurrency > 0 OR per_window > 0 THEN
        PERFORM pg_advisory_xact_lock(hashtext(p_tenant), hashtext(type_name));
        allowed := cardinality(picked);
        IF concurrency > 0 THEN
            allowed := least(allowed, concurrency - (
                SELECT count(*) FROM tasks
                 WHERE tenant_id = p_tenant AND task_def_name = type_name AND status = 'IN_PROGRESS'
                   AND (workflow_task -> 'taskDefinition' ->> 'concurrentExecLimit')::int > 0)::int);
        END IF;
        IF per_window > 0 THEN
            window_seconds := greatest(coalesce((def ->> 'rateLimitFrequencyInSeconds')::int, 1), 1);
            allowed := least(allowed, per_window - (
                SELECT count(*) FROM tasks
                 WHERE tenant_id = p_tenant AND task_def_name = type_name
                   AND started_at > clock_timestamp() - make_interval(secs => window_seconds)
                   AND (workflow_task -> 'taskDefinition' ->> 'rateLimitPerFrequency')::int > 0)::int);
        END IF;
        PERFORM set_config('baton.limit_held', (cardinality(picked) - greatest(allowed, 0))::text, true);
        IF allowed <= 0 THEN
            RETURN;
        END IF;
        picked := picked[1:allowed];
    END IF;
    RETURN QUERY
    WITH taken AS (
      UPDATE tasks t SET status = 'IN_PROGRESS', poll_count = t.poll_count + 1, worker_id = p_worker,
        started_at = clock_timestamp(), first_started_at = coalesce(t.first_started_at, clock_timestamp()),
        updated_at = clock_timestamp(), callback_after_seconds = 0,
        due_at = least(clock_timestamp() + make_interval(secs => t.response_timeout_seconds),
                       CASE WHEN (t.workflow_task -> 'taskDefinition' ->> 'timeoutSeconds')::bigint > 0
                            THEN coalesce(t.first_started_at, clock_timestamp())
                                 + make_interval(secs => (t.workflow_task -> 'taskDefinition' ->> 'timeoutSeconds')::bigint)
                       END)
      WHERE t.id = ANY (picked)
      RETURNING t.*)
    SELECT * FROM taken ORDER BY priority DESC, visible_at;
END $$;

-- Ready tasks per tenant, split between workers' queues and the server's ('#'), for the queue-depth gauges that one
-- node (the leader of 'metrics') reports for all.
CREATE FUNCTION queue_depths()
    RETURNS TABLE (tenant_id text, worker_ready bigint, server_ready bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT t.tenant_id, count(*) FILTER (WHERE t.queue NOT LIKE '#%'), count(*) FILTER (WHERE t.queue LIKE '#%')
      FROM tasks t
     WHERE t.status = 'SCHEDULED' AND t.queue IS NOT NULL AND t.visible_at <= clock_timestamp()
     GROUP BY t.tenant_id
$$;
REVOKE ALL ON FUNCTION queue_depths() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION queue_depths() TO ${app_role};
