-- An audit entry is written in the transaction of the change it records, so a change and its entry commit
-- together and a call waits for one commit instead of two. Such an entry arrives unsealed (no place in the
-- chain yet); a sealer extends the tenant's hash chain behind it, in batches. The application may insert
-- entries and seal unsealed ones through audit_seal, never alter a sealed one: sealing is the only change
-- it can make, and it makes it through a function that touches nothing else.

ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log ADD PRIMARY KEY (id);
ALTER TABLE audit_log ALTER COLUMN seq DROP NOT NULL;
ALTER TABLE audit_log ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE audit_log ALTER COLUMN hash DROP NOT NULL;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_sealed_whole
    CHECK ((seq IS NULL AND prev_hash IS NULL AND hash IS NULL)
        OR (seq IS NOT NULL AND prev_hash IS NOT NULL AND hash IS NOT NULL));
-- an entry written inside a change before its call answered: its outcome and status are filled in when it is sealed
ALTER TABLE audit_log ADD COLUMN answer_pending boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (tenant_id, seq);
CREATE INDEX audit_log_unsealed ON audit_log (tenant_id, at, id) WHERE seq IS NULL;

-- Seals entries of the caller's own tenant (the one its transaction is bound to) that are not sealed yet: gives
-- each its place, the hashes that bind it there, and the outcome and status its call ended with (an entry
-- written inside a change's transaction learns them only after the call has answered). Returns how many it
-- sealed; an entry sealed meanwhile by another node is left as that node sealed it.
CREATE FUNCTION audit_seal(ids uuid[], seqs bigint[], prev_hashes text[], hashes text[], outcomes text[],
                           statuses integer[])
    RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    sealed integer;
BEGIN
    UPDATE audit_log a
       SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash, outcome = s.outcome, status = s.status,
           answer_pending = false
      FROM unnest(ids, seqs, prev_hashes, hashes, outcomes, statuses)
           AS s (id, seq, prev_hash, hash, outcome, status)
     WHERE a.id = s.id
       AND a.seq IS NULL
       AND a.tenant_id = current_setting('baton.tenant_id', true);
    GET DIAGNOSTICS sealed = ROW_COUNT;
    RETURN sealed;
END $$;
REVOKE ALL ON FUNCTION audit_seal(uuid[], bigint[], text[], text[], text[], integer[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_seal(uuid[], bigint[], text[], text[], text[], integer[]) TO ${app_role};

-- The tenants with entries waiting to be sealed, for a sealer that serves every tenant (one whose writer stopped
-- before sealing leaves its entries to any other node).
CREATE FUNCTION audit_unsealed_tenants()
    RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT DISTINCT tenant_id FROM audit_log WHERE seq IS NULL
$$;
REVOKE ALL ON FUNCTION audit_unsealed_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_unsealed_tenants() TO ${app_role};
