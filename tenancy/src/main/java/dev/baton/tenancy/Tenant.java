package dev.baton.tenancy;

import java.time.Instant;

/** A tenant: its id, display name, whether it may act, and its quotas. */
public record Tenant(TenantId id, String name, Status status, Quotas quotas, Instant createdAt) {

    /** A suspended tenant keeps its data, but its calls are refused and its timers do not fire. */
    public enum Status {
        ACTIVE, SUSPENDED
    }

    /**
     * Per-tenant limits; null means unlimited (for retention: the installation's default).
     *
     * @param maxRunningWorkflows how many workflows may be RUNNING at once
     * @param maxRequestsPerSecond how many API calls per second the tenant's callers may make together
     * @param maxPayloadBytes the largest request body the tenant may send
     * @param retentionDays finished executions are removed this many days after they ended
     * @param retentionPerWorkflow at most this many finished executions of each workflow are kept, the newest
     */
    public record Quotas(Integer maxRunningWorkflows, Integer maxRequestsPerSecond, Integer maxPayloadBytes,
            Integer retentionDays, Integer retentionPerWorkflow) {

        public static final Quotas NONE = new Quotas(null, null, null, null, null);
    }
}
