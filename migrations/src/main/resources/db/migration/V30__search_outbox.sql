-- The outbox that feeds an execution index outside PostgreSQL (Elasticsearch, OpenSearch). A node configured with an
-- index opens its connections with baton.search_feed = 'on' (Hikari's connection init), and every change to a
-- workflow row on such a connection notes the workflow here, in the change's own transaction: one row per workflow,
-- its version counted up by each further change. The node that leads 'search' reads the oldest rows, writes them to
-- the index and deletes the rows whose version it wrote; a change made meanwhile keeps its row for the next round.
-- Without an index nothing is noted and the trigger costs one setting read.

CREATE TABLE search_outbox (
    workflow_id uuid PRIMARY KEY,
    tenant_id   text        NOT NULL,
    version     bigint      NOT NULL DEFAULT 1,
    changed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX search_outbox_oldest ON search_outbox (changed_at);
REVOKE ALL ON search_outbox FROM PUBLIC;

CREATE FUNCTION search_outbox_note() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    changed_id uuid;
    changed_tenant text;
BEGIN
    IF current_setting('baton.search_feed', true) IS DISTINCT FROM 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        changed_id := OLD.id;
        changed_tenant := OLD.tenant_id;
    ELSE
        changed_id := NEW.id;
        changed_tenant := NEW.tenant_id;
    END IF;
    INSERT INTO search_outbox (workflow_id, tenant_id) VALUES (changed_id, changed_tenant)
        ON CONFLICT (workflow_id) DO UPDATE SET version = search_outbox.version + 1, changed_at = clock_timestamp();
    RETURN NULL;
END $$;

CREATE TRIGGER workflows_search_outbox AFTER INSERT OR UPDATE OR DELETE ON workflows
    FOR EACH ROW EXECUTE FUNCTION search_outbox_note();

-- The oldest noted workflows with what the index keeps of each (absent: the workflow is gone, remove it).
CREATE FUNCTION search_feed_batch(max_rows integer)
    RETURNS TABLE (workflow_id uuid, tenant_id text, outbox_version bigint, present boolean, name text,
                   version integer, correlation_id text, created_at timestamptz, updated_at timestamptz,
                   ended_at timestamptz, status text, input text, output text, reason text,
                   failed_ref_names text[], priority integer, created_by text, search_text text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT o.workflow_id, o.tenant_id, o.version, w.id IS NOT NULL, w.name, w.version, w.correlation_id,
           w.created_at, w.updated_at, w.ended_at, w.status, w.input::text, w.output::text, w.reason,
           w.failed_ref_names, w.priority, w.created_by,
           w.name || ' ' || coalesce(w.correlation_id, '') || ' ' || coalesce(w.reason, '') || ' '
               || coalesce(w.input::text, '')
      FROM (SELECT * FROM search_outbox ORDER BY changed_at LIMIT max_rows) o
      LEFT JOIN workflows w ON w.id = o.workflow_id
$$;

-- Deletes the rows written to the index, each only if no change came after the version written.
CREATE FUNCTION search_feed_done(p_ids uuid[], p_versions bigint[]) RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    WITH done AS (
        DELETE FROM search_outbox o USING unnest(p_ids, p_versions) AS d(id, version)
         WHERE o.workflow_id = d.id AND o.version = d.version
        RETURNING 1)
    SELECT count(*)::integer FROM done
$$;

-- How far behind the index is: the rows waiting (counted up to 1,000,000) and the oldest change among them.
CREATE FUNCTION search_feed_backlog() RETURNS TABLE (waiting bigint, oldest timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT (SELECT count(*) FROM (SELECT 1 FROM search_outbox LIMIT 1000000) w),
           (SELECT min(changed_at) FROM search_outbox)
$$;

-- A rebuild: notes every workflow, so that the feed writes all of them again.
CREATE FUNCTION search_feed_refill() RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    WITH noted AS (
        INSERT INTO search_outbox (workflow_id, tenant_id) SELECT id, tenant_id FROM workflows
            ON CONFLICT (workflow_id) DO UPDATE SET version = search_outbox.version + 1,
                changed_at = clock_timestamp()
        RETURNING 1)
    SELECT count(*) FROM noted
$$;

REVOKE ALL ON FUNCTION search_outbox_note() FROM PUBLIC;
REVOKE ALL ON FUNCTION search_feed_batch(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION search_feed_done(uuid[], bigint[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION search_feed_backlog() FROM PUBLIC;
REVOKE ALL ON FUNCTION search_feed_refill() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_feed_batch(integer) TO ${app_role};
GRANT EXECUTE ON FUNCTION search_feed_done(uuid[], bigint[]) TO ${app_role};
GRANT EXECUTE ON FUNCTION search_feed_backlog() TO ${app_role};
GRANT EXECUTE ON FUNCTION search_feed_refill() TO ${app_role};
