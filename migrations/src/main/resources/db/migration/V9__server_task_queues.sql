-- Asynchronous server tasks (HTTP, mail, database, containers) wait in queues whose names start with '#', which no
-- task or domain name can. The system-task worker of every node finds the tenants with such tasks ready here; the
-- tasks themselves are then claimed in the tenant's own transaction, under row-level security.
CREATE INDEX tasks_server_queue ON tasks (visible_at) WHERE status = 'SCHEDULED' AND queue LIKE '#%';

CREATE FUNCTION server_task_queues(max_rows integer)
    RETURNS TABLE (tenant_id text, queue text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT DISTINCT r.tenant_id, r.queue FROM (
        SELECT t.tenant_id, t.queue FROM tasks t
         WHERE t.status = 'SCHEDULED' AND t.queue LIKE '#%' AND t.visible_at <= clock_timestamp()
           AND t.tenant_id IN (SELECT id FROM tenants WHERE status = 'ACTIVE')
         ORDER BY t.visible_at LIMIT max_rows) r
$$;
REVOKE ALL ON FUNCTION server_task_queues(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION server_task_queues(integer) TO ${app_role};
