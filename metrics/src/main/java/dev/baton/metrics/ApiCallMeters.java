package dev.baton.metrics;

import dev.baton.tenancy.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The API calls each tenant's callers made on this node, by outcome class (2xx, 4xx, 5xx). */
public final class ApiCallMeters {

    private final MeterRegistry registry;
    private final CappedTags tenants;

    public ApiCallMeters(MeterRegistry registry, CappedTags tenants) {
        this.registry = registry;
        this.tenants = tenants;
    }

    /** Counts a call of {@code tenant}'s that was answered with {@code status}. */
    public void answered(TenantId tenant, int status) {
        Counter.builder("baton.api.calls").description("API calls by signed-in callers, by tenant and outcome")
                .tag("tenant", tenants.of(tenant.value())).tag("outcome", (status / 100) + "xx")
                .register(registry).increment();
    }
}
