-- The task catalog: entries teams publish for others to compose workflows from, each with versioned contracts.
-- Entries of the platform's own task types (HTTP, ...) are not rows: they come with the code, in every tenant.

-- What an entry is found by. Declared immutable (it is: the text search configurations are fixed by name) so it
-- can feed a generated column.
CREATE FUNCTION catalog_search_vector(name text, title text, tags text[], category text, description text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('simple'::regconfig, replace(replace(name, '-', ' '), '_', ' ')), 'A')
        || setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'B')
        || setweight(to_tsvector('english'::regconfig, category), 'B')
        || setweight(to_tsvector('english'::regconfig, description), 'C')
$$;

CREATE TABLE catalog_entries (
    tenant_id   text        NOT NULL REFERENCES tenants (id),
    name        text        NOT NULL,
    title       text        NOT NULL,
    description text        NOT NULL DEFAULT '',
    category    text        NOT NULL,
    tags        text[]      NOT NULL DEFAULT '{}',
    owner_team  text        NOT NULL,
    visibility  text        NOT NULL CHECK (visibility IN ('TEAM', 'TENANT')),
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    search      tsvector GENERATED ALWAYS AS (catalog_search_vector(name, title, tags, category, description)) STORED,
    PRIMARY KEY (tenant_id, name)
);
CREATE INDEX catalog_entries_search ON catalog_entries USING gin (search);

CREATE TABLE catalog_versions (
    tenant_id     text        NOT NULL,
    name          text        NOT NULL,
    major         integer     NOT NULL CHECK (major >= 0),
    minor         integer     NOT NULL CHECK (minor >= 0),
    patch         integer     NOT NULL CHECK (patch >= 0),
    status        text        NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED', 'DEPRECATED')),
    successor     text,
    input_schema  jsonb       NOT NULL,
    output_schema jsonb       NOT NULL,
    examples      jsonb       NOT NULL DEFAULT '[]',
    runs_as       jsonb       NOT NULL,
    notes         text        NOT NULL DEFAULT '',
    created_by    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    deprecated_at timestamptz,
    PRIMARY KEY (tenant_id, name, major, minor, patch),
    FOREIGN KEY (tenant_id, name) REFERENCES catalog_entries (tenant_id, name) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['catalog_entries', 'catalog_versions'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''baton.tenant_id'', true)) '
                       'WITH CHECK (tenant_id = current_setting(''baton.tenant_id'', true))', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${app_role}', t);
    END LOOP;
END $$;

-- Which catalog entry each task ran for, so usage figures need no scan of the tasks' JSON.
ALTER TABLE tasks ADD COLUMN catalog_entry text GENERATED ALWAYS AS (workflow_task -> 'catalog' ->> 'name') STORED;
CREATE INDEX tasks_by_catalog_entry ON tasks (tenant_id, catalog_entry, ended_at) WHERE catalog_entry IS NOT NULL;
