package dev.baton.tasks.http;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.Violation;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A tenant's own list of the hosts its HTTP tasks may call: empty means any host the operator's address rule
 * allows; otherwise a host must be on it, exactly or under a {@code *.domain} entry. Read through a short cache.
 */
public final class HttpAllowList {

    private static final Pattern ENTRY = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*"
            + "[a-z0-9])?)*");
    private static final int MAX_ENTRIES = 100;
    private static final long TTL_NANOS = 2_000_000_000L;

    private record Cached(List<String> hosts, long expires) {}

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public HttpAllowList(TenantTransactions tx, JdbcClient jdbc) {
        this.tx = tx;
        this.jdbc = jdbc;
    }

    public List<String> hosts(TenantId tenant) {
        return tx.read(tenant, () -> jdbc.sql("SELECT hosts FROM tenant_http_hosts").query((rs, i) -> {
            Array a = rs.getArray(1);
            return List.of((String[]) a.getArray());
        }).optional().orElse(List.of()));
    }

    /** Replaces the tenant's list; an empty one lets its tasks call any host the operator allows. */
    public void replace(TenantId tenant, List<String> hosts) {
        List<String> clean = new ArrayList<>();
        List<Violation> found = new ArrayList<>();
        if (hosts != null && hosts.size() > MAX_ENTRIES) {
            found.add(new Violation("hosts", "at most " + MAX_ENTRIES + " entries are allowed"));
        } else if (hosts != null) {
            for (int i = 0; i < hosts.size(); i++) {
                String h = hosts.get(i) == null ? "" : hosts.get(i).trim().toLowerCase(Locale.ROOT);
                if (h.length() > 253 || !ENTRY.matcher(h).matches()) {
                    found.add(new Violation("hosts[" + i + "]", "must be a host name (api.example.com) or a domain "
                            + "with its subdomains (*.example.com)"));
                }
                clean.add(h);
            }
        }
        if (!found.isEmpty()) {
            throw EngineException.invalid(found);
        }
        tx.run(tenant, () -> jdbc.sql("""
                INSERT INTO tenant_http_hosts (tenant_id, hosts) VALUES (?, ?)
                ON CONFLICT (tenant_id) DO UPDATE SET hosts = excluded.hosts, updated_at = now()""")
                .params(tenant.value(), clean.toArray(String[]::new)).update());
        cache.remove(tenant.value());
    }

    /** Why {@code host} is not for this tenant's HTTP tasks, or empty when it is. */
    Optional<String> refuse(TenantId tenant, String host) {
        List<String> hosts = cached(tenant);
        if (hosts.isEmpty() || host == null) {
            return Optional.empty();
        }
        String h = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        boolean allowed = hosts.stream().anyMatch(entry -> entry.startsWith("*.")
                ? h.endsWith(entry.substring(1)) : h.equals(entry));
        return allowed ? Optional.empty()
                : Optional.of("host '" + h + "' is not on this tenant's HTTP allow list " + hosts);
    }

    private List<String> cached(TenantId tenant) {
        long now = System.nanoTime();
        Cached c = cache.get(tenant.value());
        if (c != null && now - c.expires < 0) {
            return c.hosts;
        }
        List<String> hosts = hosts(tenant);
        cache.put(tenant.value(), new Cached(hosts, now + TTL_NANOS));
        return hosts;
    }
}
