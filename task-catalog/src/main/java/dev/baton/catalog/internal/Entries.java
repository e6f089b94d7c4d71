package dev.baton.catalog.internal;

import dev.baton.catalog.BuiltInEntry;
import dev.baton.catalog.CatalogEntry;
import dev.baton.tenancy.TenantId;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds entries by name: the platform's built-in ones from code, a tenant's own from its rows. Run-time contract
 * checks read through a short cache (published versions never change; a newly published one is seen within
 * {@link #TTL_NANOS}).
 */
public final class Entries {

    private static final long TTL_NANOS = 2_000_000_000L;
    private static final int MAX_CACHED = 10_000;

    private record Key(String tenant, String name) {}

    private record Cached(Optional<CatalogEntry> entry, long expires) {}

    private final CatalogStore store;
    private final Map<String, CatalogEntry> builtIn = new LinkedHashMap<>();
    private final Map<Key, Cached> cache = new ConcurrentHashMap<>();

    public Entries(CatalogStore store, List<BuiltInEntry> builtIns) {
        this.store = store;
        for (BuiltInEntry b : builtIns) {
            if (builtIn.putIfAbsent(b.entry().name(), b.entry()) != null) {
                throw new IllegalStateException("two built-in catalog entries are named " + b.entry().name());
            }
        }
    }

    public Collection<CatalogEntry> builtIns() {
        return builtIn.values();
    }

    public boolean isBuiltIn(String name) {
        return builtIn.containsKey(name);
    }

    /** The entry named {@code name}, read in the transaction already open for the tenant. */
    public Optional<CatalogEntry> find(String name) {
        CatalogEntry b = builtIn.get(name);
        return b != null ? Optional.of(b) : store.entry(name, false);
    }

    /** Like {@link #find}, but from the short cache when it was read lately. */
    public Optional<CatalogEntry> findCached(TenantId tenant, String name) {
        CatalogEntry b = builtIn.get(name);
        if (b != null) {
            return Optional.of(b);
        }
        Key key = new Key(tenant.value(), name);
        Cached c = cache.get(key);
        long now = System.nanoTime();
        if (c != null && now - c.expires < 0) {
            return c.entry;
        }
        Optional<CatalogEntry> found = store.entry(name, false);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, new Cached(found, now + TTL_NANOS));
        return found;
    }

    /** Forgets what this node cached of {@code name}, after a change made here. */
    public void changed(TenantId tenant, String name) {
        cache.remove(new Key(tenant.value(), name));
    }
}
