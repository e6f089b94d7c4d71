-- Identity: users, teams, applications with their keys, and the built-in authorization server's state.
-- Tenant tables are guarded by the same row-level-security policy as the engine's. Sign-in happens before
-- the tenant is known, so it looks a login or key up only through the SECURITY DEFINER functions below,
-- which return the one row asked for and nothing else.

CREATE TABLE users (
    tenant_id     text        NOT NULL REFERENCES tenants (id),
    id            uuid        PRIMARY KEY,
    -- unique within its tenant only, so one tenant cannot learn another's logins; sign-in names both
    login         text        NOT NULL CHECK (login = lower(login) AND length(login) BETWEEN 1 AND 200),
    display_name  text        NOT NULL,
    password_hash text        NOT NULL,
    tenant_admin  boolean     NOT NULL DEFAULT false,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_by_login ON users (tenant_id, login);

CREATE TABLE teams (
    tenant_id   text        NOT NULL REFERENCES tenants (id),
    name        text        NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE team_members (
    tenant_id text   NOT NULL,
    team      text   NOT NULL,
    user_id   uuid   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    roles     text[] NOT NULL CHECK (roles <@ ARRAY['TEAM_ADMIN', 'AUTHOR', 'OPERATOR', 'VIEWER', 'WORKER']),
    PRIMARY KEY (tenant_id, team, user_id),
    FOREIGN KEY (tenant_id, team) REFERENCES teams (tenant_id, name) ON DELETE CASCADE
);

CREATE TABLE applications (
    tenant_id  text        NOT NULL,
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    team       text        NOT NULL,
    roles      text[]      NOT NULL CHECK (roles <@ ARRAY['TEAM_ADMIN', 'AUTHOR', 'OPERATOR', 'VIEWER', 'WORKER']),
    -- a tenant administrator's automation (the first start's admin key) acts for the whole tenant
    tenant_admin boolean   NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, team) REFERENCES teams (tenant_id, name) ON DELETE CASCADE
);

CREATE TABLE application_keys (
    tenant_id      text        NOT NULL REFERENCES tenants (id),
    id             text        PRIMARY KEY,
    application_id uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    -- SHA-256 of a 256-bit random secret: the secret is never stored, and a slow hash adds nothing at that entropy
    secret_hash    text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz
);
CREATE INDEX application_keys_by_application ON application_keys (application_id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'teams', 'team_members', 'applications', 'application_keys'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''baton.tenant_id'', true)) '
                       'WITH CHECK (tenant_id = current_setting(''baton.tenant_id'', true))', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${app_role}', t);
    END LOOP;
END $$;

CREATE FUNCTION sign_in_user(wanted_tenant text, wanted_login text)
    RETURNS TABLE (tenant_id text, user_id uuid, password_hash text, disabled boolean, tenant_status text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT u.tenant_id, u.id, u.password_hash, u.disabled, t.status
      FROM users u JOIN tenants t ON t.id = u.tenant_id
     WHERE u.tenant_id = wanted_tenant AND u.login = lower(wanted_login)
$$;

CREATE FUNCTION sign_in_key(wanted_key text)
    RETURNS TABLE (tenant_id text, application_id uuid, secret_hash text, revoked boolean, tenant_status text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT k.tenant_id, k.application_id, k.secret_hash, k.revoked_at IS NOT NULL, t.status
      FROM application_keys k JOIN tenants t ON t.id = k.tenant_id
     WHERE k.id = wanted_key
$$;

-- Whether anybody can sign in yet: the first start of an empty installation creates its first administrator.
CREATE FUNCTION installation_has_users() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT EXISTS (SELECT 1 FROM users)
$$;

REVOKE ALL ON FUNCTION sign_in_user(text, text), sign_in_key(text), installation_has_users() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sign_in_user(text, text), sign_in_key(text), installation_has_users() TO ${app_role};

-- Keys that sign the tokens this installation issues, shared by every node. Published as a JWKS until
-- every token they signed has expired.
CREATE TABLE signing_keys (
    kid        text        PRIMARY KEY,
    jwk        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, DELETE ON signing_keys TO ${app_role};

-- Spring Authorization Server's own table (its schema, with PostgreSQL types): pending authorization codes
-- and issued tokens, shared by every node.
CREATE TABLE oauth2_authorization (
    id                            varchar(100) PRIMARY KEY,
    registered_client_id          varchar(100) NOT NULL,
    principal_name                varchar(200) NOT NULL,
    authorization_grant_type      varchar(100) NOT NULL,
    authorized_scopes             varchar(1000),
    attributes                    text,
    state                         varchar(500),
    authorization_code_value      text,
    authorization_code_issued_at  timestamptz,
    authorization_code_expires_at timestamptz,
    authorization_code_metadata   text,
    access_token_value            text,
    access_token_issued_at        timestamptz,
    access_token_expires_at       timestamptz,
    access_token_metadata         text,
    access_token_type             varchar(100),
    access_token_scopes           varchar(1000),
    oidc_id_token_value           text,
    oidc_id_token_issued_at       timestamptz,
    oidc_id_token_expires_at      timestamptz,
    oidc_id_token_metadata        text,
    refresh_token_value           text,
    refresh_token_issued_at       timestamptz,
    refresh_token_expires_at      timestamptz,
    refresh_token_metadata        text,
    user_code_value               text,
    user_code_issued_at           timestamptz,
    user_code_expires_at          timestamptz,
    user_code_metadata            text,
    device_code_value             text,
    device_code_issued_at         timestamptz,
    device_code_expires_at        timestamptz,
    device_code_metadata          text
);
CREATE INDEX oauth2_authorization_by_expiry ON oauth2_authorization
    (greatest(authorization_code_expires_at, access_token_expires_at, refresh_token_expires_at));
GRANT SELECT, INSERT, UPDATE, DELETE ON oauth2_authorization TO ${app_role};
