-- A tenant's people may sign in to the web console through the tenant's own OpenID Connect issuer: the client id
-- the issuer gave the console (a public client using the authorization code grant with PKCE).
ALTER TABLE identity_providers ADD COLUMN console_client_id text
    CHECK (console_client_id IS NULL OR length(console_client_id) BETWEEN 1 AND 255);

-- identity_providers_for returns the new column too (its row type changes, so it is made anew)
DROP FUNCTION identity_providers_for(text);
CREATE FUNCTION identity_providers_for(wanted_issuer text)
    RETURNS TABLE (tenant_id text, id uuid, issuer text, audience text, user_claim text, name_claim text,
                   groups_claim text, group_mappings jsonb, admin_group text, console_client_id text,
                   tenant_status text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT p.tenant_id, p.id, p.issuer, p.audience, p.user_claim, p.name_claim, p.groups_claim,
           p.group_mappings, p.admin_group, p.console_client_id, t.status
      FROM identity_providers p JOIN tenants t ON t.id = p.tenant_id
     WHERE p.issuer = wanted_issuer
$$;
REVOKE ALL ON FUNCTION identity_providers_for(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity_providers_for(text) TO ${app_role};
