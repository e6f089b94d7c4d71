-- A tenant's API request rate (its maxRequestsPerSecond quota), counted for every node at once when no Redis does:
-- one row per tenant with the current one-second window and the calls made in it. Only tenants with the quota are
-- counted, one statement per call.
CREATE TABLE request_rates (
    tenant_id    text        PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    window_start timestamptz NOT NULL,
    calls        integer     NOT NULL
);

-- Counts a call in the current window and answers how many the window holds now, this one included.
CREATE FUNCTION count_request(p_tenant text) RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    INSERT INTO request_rates AS r (tenant_id, window_start, calls)
    VALUES (p_tenant, date_trunc('second', clock_timestamp()), 1)
    ON CONFLICT (tenant_id) DO UPDATE
       SET calls = CASE WHEN r.window_start = excluded.window_start THEN r.calls + 1 ELSE 1 END,
           window_start = excluded.window_start
    RETURNING calls
$$;
REVOKE ALL ON FUNCTION count_request(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION count_request(text) TO ${app_role};
