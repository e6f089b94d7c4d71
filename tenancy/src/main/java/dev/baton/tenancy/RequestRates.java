package dev.baton.tenancy;

/**
 * Counts a tenant's API calls against its {@code maxRequestsPerSecond} quota for every server node at once: in
 * PostgreSQL by default ({@link #postgres}), in Redis when one is configured.
 */
public interface RequestRates {

    /** Counts one call of {@code tenant}; false when it is over {@code perSecond}. */
    boolean tryAcquire(TenantId tenant, int perSecond);

    /**
     * Fixed one-second windows in a row per tenant, one statement per call: across a window's edge a tenant may make
     * up to twice its rate in a second, never more.
     */
    static RequestRates postgres(org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        return (tenant, perSecond) -> jdbc.sql("SELECT count_request(?)").param(tenant.value())
                .query(Integer.class).single() <= perSecond;
    }
}
