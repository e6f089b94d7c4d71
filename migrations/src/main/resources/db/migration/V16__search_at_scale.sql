-- Search that stays fast with a million executions. The words a free-text search matches are kept in a column,
-- written when the words change, so that checking a row reads them instead of recomputing them from the input
-- (a large bitmap scan rechecks every row of a lossy page); and an index by start time lets a search whose terms
-- match most executions walk the newest ones instead of sorting every match.

ALTER TABLE workflows ADD COLUMN search_vector tsvector;

CREATE FUNCTION workflows_search_vector() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.name IS DISTINCT FROM OLD.name
            OR NEW.correlation_id IS DISTINCT FROM OLD.correlation_id
            OR NEW.reason IS DISTINCT FROM OLD.reason OR NEW.input IS DISTINCT FROM OLD.input THEN
        NEW.search_vector := to_tsvector('simple', NEW.name || ' ' || coalesce(NEW.correlation_id, '') || ' '
            || coalesce(NEW.reason, '') || ' ' || NEW.input::text);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER workflows_search_vector BEFORE INSERT OR UPDATE OF name, correlation_id, reason, input
    ON workflows FOR EACH ROW EXECUTE FUNCTION workflows_search_vector();

UPDATE workflows SET search_vector = to_tsvector('simple', name || ' ' || coalesce(correlation_id, '') || ' '
    || coalesce(reason, '') || ' ' || input::text);

DROP INDEX workflows_free_text;
CREATE INDEX workflows_free_text ON workflows USING gin (search_vector);
CREATE INDEX workflows_by_time ON workflows (tenant_id, created_at DESC);
