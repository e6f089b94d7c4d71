package dev.baton.engine.api;

import dev.baton.tenancy.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's environment variables: named text values its workflows read as {@code ${env.name}}, resolved like any
 * other input when a task is scheduled. Not secrets: they are stored and shown as they are.
 */
public interface EnvironmentVariables {

    /** One variable, in Conductor's JSON shape. */
    record Variable(String name, String value) {}

    List<Variable> list(TenantId tenant);

    Optional<String> get(TenantId tenant, String name);

    /** Creates or replaces; refuses (EngineException, naming the field) a bad name, a long value, one too many. */
    void put(TenantId tenant, String name, String value, String by);

    /** Removes; answers the value it had, empty when there was none. */
    Optional<String> delete(TenantId tenant, String name);
}
