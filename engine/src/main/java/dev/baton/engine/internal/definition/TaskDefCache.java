package dev.baton.engine.internal.definition;

import dev.baton.engine.api.definition.TaskDef;
import dev.baton.tenancy.TenantId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The task definitions this node has read, per tenant, trusted while the tenant's {@code task_def_versions} counter
 * (moved by every change to its task definitions, on any node) stays at the value they were read under.
 *
 * <p>A transaction that read the counter asks here with that value. A definition loaded in the same transaction
 * after the counter was read is at least as new as the counter says, so nothing older than a version is ever kept
 * under it. Bounded: tenants by recent use, names per tenant by count (a tenant naming ever more missing task types
 * reads them from the database, as without the cache).
 */
public final class TaskDefCache {

    /** A version when the transaction read none: nothing is cached or trusted. */
    public static final long UNKNOWN = -1;

    static final int MAX_TENANTS = 10_000;
    static final int MAX_NAMES = 1_000;

    private record Known(long version, Map<String, Optional<TaskDef>> defs) {}

    private final Map<String, Known> byTenant = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > MAX_TENANTS;
        }
    };

    /** The definitions as of {@code version} of {@code tenant}'s counter, reading misses through {@code load}. */
    public Function<String, Optional<TaskDef>> at(TenantId tenant, long version,
            Function<String, Optional<TaskDef>> load) {
        if (version == UNKNOWN) {
            return load;
        }
        Known known = known(tenant.value(), version);
        return name -> {
            Optional<TaskDef> def = known.defs.get(name);
            if (def != null) {
                return def;
            }
            Optional<TaskDef> loaded = load.apply(name);
            if (known.defs.size() < MAX_NAMES) {
                known.defs.putIfAbsent(name, loaded);
            }
            return loaded;
        };
    }

    private synchronized Known known(String tenant, long version) {
        Known known = byTenant.get(tenant);
        if (known == null || known.version != version) {
            // an older transaction (lower version) gets a map of its own that replaces nothing newer
            Known fresh = new Known(version, new ConcurrentHashMap<>());
            if (known == null || known.version < version) {
                byTenant.put(tenant, fresh);
            }
            return fresh;
        }
        return known;
    }

    /** How many tenants have definitions kept here. */
    synchronized int tenants() {
        return byTenant.size();
    }
}
