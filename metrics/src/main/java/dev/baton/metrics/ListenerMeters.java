package dev.baton.metrics;

import dev.baton.listeners.DeliveryObserver;
import dev.baton.tenancy.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Status listeners' delivery attempts per tenant and outcome ({@code delivered}, {@code retried}, {@code dead}):
 * {@code baton_listener_deliveries_total}.
 */
public final class ListenerMeters implements DeliveryObserver {

    private final MeterRegistry registry;
    private final CappedTags tenants;

    public ListenerMeters(MeterRegistry registry, CappedTags tenants) {
        this.registry = registry;
        this.tenants = tenants;
    }

    @Override
    public void finished(TenantId tenant, Outcome outcome) {
        Counter.builder("baton.listener.deliveries")
                .description("Status listeners' delivery attempts, by how they ended")
                .tag("tenant", tenants.of(tenant.value()))
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }
}
