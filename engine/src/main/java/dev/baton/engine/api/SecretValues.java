package dev.baton.engine.api;

import dev.baton.tenancy.TenantId;
import java.util.Map;
import java.util.Set;

/**
 * The values of a tenant's secrets, for the server's own calls out: a task's {@code ${secrets.name}} is replaced by
 * the value only in the attempt that uses it, never in anything stored, logged or returned.
 */
public interface SecretValues {

    /**
     * The values of {@code names} for a workflow owned by {@code team} (null: owned by no team); refuses with
     * EngineException, naming the secret, when one does not exist or the team may not use it.
     */
    Map<String, String> resolve(TenantId tenant, String team, Set<String> names);

    /** No secret store: every reference is refused. */
    SecretValues NONE = (tenant, team, names) -> {
        throw EngineException.invalid("secrets." + names.iterator().next(), "this server keeps no secrets");
    };
}
