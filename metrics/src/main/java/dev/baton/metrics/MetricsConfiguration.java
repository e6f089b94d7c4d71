package dev.baton.metrics;

import dev.baton.engine.api.Leadership;
import dev.baton.engine.api.QueueDepths;
import dev.baton.engine.api.SearchIndexing;
import dev.baton.listeners.StatusListeners;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The platform's meters, in whatever {@link MeterRegistry} the application has (Prometheus's, in the server).
 * Tenant tags are capped per node at {@code baton.metrics.max-tenants}, task-type tags at
 * {@code baton.metrics.max-task-types}.
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean
    CappedTags meteredTenants(@Value("${baton.metrics.max-tenants:100}") int maxTenants) {
        return new CappedTags(maxTenants);
    }

    @Bean
    ExecutionMeters executionMeters(MeterRegistry registry, CappedTags meteredTenants,
            @Value("${baton.metrics.max-task-types:50}") int maxTaskTypes) {
        return new ExecutionMeters(registry, meteredTenants, new CappedTags(maxTaskTypes), Clock.systemUTC());
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    InstallationGauges installationGauges(MeterRegistry registry, QueueDepths depths,
            ObjectProvider<SearchIndexing> search, ObjectProvider<StatusListeners> listeners, Leadership leadership,
            CappedTags meteredTenants, @Value("${baton.metrics.queue-depth-interval:PT15S}") Duration interval) {
        return new InstallationGauges(registry, depths, search.getIfAvailable(), listeners.getIfAvailable(),
                leadership, meteredTenants, interval);
    }

    @Bean
    ListenerMeters listenerMeters(MeterRegistry registry, CappedTags meteredTenants) {
        return new ListenerMeters(registry, meteredTenants);
    }

    @Bean
    ApiCallMeters apiCallMeters(MeterRegistry registry, CappedTags meteredTenants) {
        return new ApiCallMeters(registry, meteredTenants);
    }
}
