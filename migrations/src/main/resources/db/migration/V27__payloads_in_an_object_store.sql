-- Large execution values may live in an S3-compatible object store instead (baton.payloads.s3.*): their row then
-- keeps only where, and reading it fetches the object. Rows keep the object's key, so row-level security still
-- decides who may read which value.
ALTER TABLE execution_payloads ALTER COLUMN data DROP NOT NULL;
ALTER TABLE execution_payloads ADD COLUMN object_key text;
ALTER TABLE execution_payloads ADD CONSTRAINT execution_payloads_somewhere
    CHECK ((data IS NULL) <> (object_key IS NULL));
