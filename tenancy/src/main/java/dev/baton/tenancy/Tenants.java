package dev.baton.tenancy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The tenants of the installation. Look-ups are cached for a short while, since every API call asks whether its
 * tenant is active and what its quotas are; a change made on another node is seen within {@link #CACHE_FOR}.
 */
public final class Tenants {

    /** How long a node may act on a tenant's status and quotas before reading them again. */
    public static final Duration CACHE_FOR = Duration.ofSeconds(2);

    private record Cached(Optional<Tenant> tenant, Instant loadedAt) {}

    private final JdbcClient jdbc;
    private final TenantTransactions tx;
    private final Clock clock;
    private final Map<TenantId, Cached> cache = new ConcurrentHashMap<>();
    private final List<java.util.function.Consumer<TenantId>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public Tenants(JdbcClient jdbc, TenantTransactions tx, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
    }

    /** Tells {@code listener} of every change this node makes to a tenant, so other nodes can forget theirs. */
    public void onChange(java.util.function.Consumer<TenantId> listener) {
        listeners.add(listener);
    }

    /** Forgets what this node knows of the tenant: another node changed it. */
    public void forget(TenantId id) {
        cache.remove(id);
    }

    private void changed(TenantId id) {
        cache.remove(id);
        listeners.forEach(l -> l.accept(id));
    }

    /** The tenant, as of at most {@link #CACHE_FOR} ago. */
    public Optional<Tenant> find(TenantId id) {
        Instant now = clock.instant();
        Cached c = cache.get(id);
        if (c == null || c.loadedAt().plus(CACHE_FOR).isBefore(now)) {
            c = new Cached(load(id), now);
            cache.put(id, c);
        }
        return c.tenant();
    }

    public List<Tenant> list() {
        return jdbc.sql("SELECT * FROM tenants ORDER BY id").query((rs, n) -> read(rs)).list();
    }

    /** Creates the tenant; false if the id is taken. */
    public boolean create(TenantId id, String name, Tenant.Quotas quotas) {
        int rows = jdbc.sql("INSERT INTO tenants (id, name, max_running_workflows, max_requests_per_second, "
                + "max_payload_bytes, retention_days, retention_per_workflow) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (id) DO NOTHING")
                .params(id.value(), name, quotas.maxRunningWorkflows(), quotas.maxRequestsPerSecond(),
                        quotas.maxPayloadBytes(), quotas.retentionDays(), quotas.retentionPerWorkflow()).update();
        changed(id);
        return rows == 1;
    }

    /** Suspends or resumes the tenant; false if there is no such tenant. */
    public boolean setStatus(TenantId id, Tenant.Status status) {
        int rows = jdbc.sql("UPDATE tenants SET status = ? WHERE id = ?").params(status.name(), id.value()).update();
        changed(id);
        return rows == 1;
    }

    /** Replaces the tenant's quotas; false if there is no such tenant. */
    public boolean setQuotas(TenantId id, Tenant.Quotas quotas) {
        int rows = jdbc.sql("UPDATE tenants SET max_running_workflows = ?, max_requests_per_second = ?, "
                + "max_payload_bytes = ?, retention_days = ?, retention_per_workflow = ? WHERE id = ?")
                .params(quotas.maxRunningWorkflows(), quotas.maxRequestsPerSecond(), quotas.maxPayloadBytes(),
                        quotas.retentionDays(), quotas.retentionPerWorkflow(), id.value()).update();
        changed(id);
        return rows == 1;
    }

    /** Deletes the tenant and every row it owns; false if there was no such tenant. */
    public boolean delete(TenantId id) {
        boolean deleted = Boolean.TRUE.equals(jdbc.sql("SELECT purge_tenant(?)").param(id.value())
                .query(Boolean.class).single());
        changed(id);
        return deleted;
    }

    /** How many of the tenant's workflows are RUNNING now. */
    public long runningWorkflows(TenantId id) {
        return tx.read(id, () -> jdbc.sql("SELECT count(*) FROM workflows WHERE status = 'RUNNING'")
                .query(Long.class).single());
    }

    private Optional<Tenant> load(TenantId id) {
        return jdbc.sql("SELECT * FROM tenants WHERE id = ?").param(id.value()).query((rs, n) -> read(rs))
                .optional();
    }

    private static Tenant read(ResultSet rs) throws SQLException {
        return new Tenant(TenantId.of(rs.getString("id")), rs.getString("name"),
                Tenant.Status.valueOf(rs.getString("status")),
                new Tenant.Quotas((Integer) rs.getObject("max_running_workflows"),
                        (Integer) rs.getObject("max_requests_per_second"),
                        (Integer) rs.getObject("max_payload_bytes"), (Integer) rs.getObject("retention_days"),
                        (Integer) rs.getObject("retention_per_workflow")),
                rs.getTimestamp("created_at").toInstant());
    }
}
