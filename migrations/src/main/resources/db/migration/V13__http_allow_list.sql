-- A tenant may narrow where its HTTP tasks call: when its list is not empty, only those hosts ("api.example.com")
-- or their subdomains ("*.example.com") are reached, on top of the operator-wide address rule.
CREATE TABLE tenant_http_hosts (
    tenant_id  text        PRIMARY KEY REFERENCES tenants (id),
    hosts      text[]      NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenant_http_hosts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_http_hosts USING (tenant_id = current_setting('baton.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('baton.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_http_hosts TO ${app_role};

-- Deleting a tenant removes its rows from every table that has a tenant_id, whatever tables later migrations add:
-- each pass deletes what no other row still refers to, until nothing is left (or a pass makes no progress, which
-- names the table in the error). It replaces the hand-kept list each new table had to be added to.
CREATE OR REPLACE FUNCTION purge_tenant(victim text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    left_over text[];
    still text[];
    t text;
BEGIN
    SELECT array_agg(c.table_name::text ORDER BY c.table_name) INTO left_over
      FROM information_schema.columns c JOIN information_schema.tables tb
        ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
     WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id';
    WHILE cardinality(left_over) > 0 LOOP
        still := '{}';
        FOREACH t IN ARRAY left_over LOOP
            BEGIN
                EXECUTE format('DELETE FROM %I WHERE tenant_id = $1', t) USING victim;
            EXCEPTION WHEN foreign_key_violation THEN
                still := still || t;
            END;
        END LOOP;
        IF cardinality(still) = cardinality(left_over) THEN
            RAISE EXCEPTION 'cannot purge tenant %: rows of % are still referred to', victim, still;
        END IF;
        left_over := still;
    END LOOP;
    DELETE FROM tenants WHERE id = victim;
    RETURN FOUND;
END $$;
