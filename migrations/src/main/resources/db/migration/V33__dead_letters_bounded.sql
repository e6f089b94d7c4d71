-- Dead letters are bounded: each listener keeps its newest most_per_listener, none older than kept. A tenant whose
-- receiver stays down while its workflows run can no longer grow listener_deliveries without end. Each listener is
-- visited through the index on (tenant_id, listener_name, status, created_at DESC): the Nth newest dead letter is
-- found by an index skip and the older ones removed, at most max_rows in one call.
CREATE FUNCTION purge_dead_listener_deliveries(kept interval, most_per_listener integer, max_rows integer)
    RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    l record;
    cutoff timestamptz;
    removed integer := 0;
    n integer;
BEGIN
    FOR l IN SELECT tenant_id, name FROM status_listeners LOOP
        EXIT WHEN removed >= max_rows;
        SELECT d.created_at INTO cutoff FROM listener_deliveries d
            WHERE d.tenant_id = l.tenant_id AND d.listener_name = l.name AND d.status = 'DEAD'
            ORDER BY d.created_at DESC OFFSET most_per_listener LIMIT 1;
        cutoff := greatest(cutoff, clock_timestamp() - kept);
        DELETE FROM listener_deliveries WHERE id IN (SELECT d.id FROM listener_deliveries d
            WHERE d.tenant_id = l.tenant_id AND d.listener_name = l.name AND d.status = 'DEAD'
              AND d.created_at <= cutoff
            LIMIT max_rows - removed);
        GET DIAGNOSTICS n = ROW_COUNT;
        removed := removed + n;
    END LOOP;
    RETURN removed;
END $$;

REVOKE ALL ON FUNCTION purge_dead_listener_deliveries(interval, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_dead_listener_deliveries(interval, integer, integer) TO ${app_role};
