package dev.baton.listeners;

import dev.baton.engine.api.SecretValues;
import dev.baton.events.Broker;
import dev.baton.listeners.internal.DeliveryDispatcher;
import dev.baton.listeners.internal.ListenerStore;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires status listeners and the dispatcher that sends their deliveries (to webhooks, or to the events' brokers). */
@Configuration(proxyBeanMethods = false)
public class ListenersConfiguration {

    @Bean
    ListenerStore listenerStore(JdbcClient jdbc) {
        return new ListenerStore(jdbc);
    }

    @Bean
    StatusListeners statusListeners(TenantTransactions tx, ListenerStore store, OutboundAddressPolicy outbound,
            SecretValues secrets, List<Broker> brokers,
            @Value("${baton.listeners.max-per-tenant:50}") int perTenant,
            @Value("${baton.listeners.max-workflow-names:100}") int workflowNames) {
        return new StatusListeners(tx, store, outbound, secrets,
                brokers.stream().map(Broker::type).collect(Collectors.toSet()),
                new StatusListeners.Limits(perTenant, workflowNames, 500));
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    DeliveryDispatcher listenerDeliveryDispatcher(JdbcClient jdbc, TenantTransactions tx, ListenerStore store,
            OutboundAddressPolicy outbound, SecretValues secrets, List<Broker> brokers,
            ObjectProvider<DeliveryObserver> observer, Clock clock,
            @Value("${baton.listeners.sweep-interval:PT0.5S}") Duration interval,
            @Value("${baton.listeners.max-in-flight:64}") int maxInFlight,
            @Value("${baton.listeners.per-tenant:4}") int perTenant,
            @Value("${baton.listeners.max-attempts:10}") int maxAttempts,
            @Value("${baton.listeners.first-retry:PT10S}") Duration firstRetry,
            @Value("${baton.listeners.longest-retry:PT1H}") Duration longestRetry,
            @Value("${baton.listeners.read-timeout:PT10S}") Duration readTimeout,
            @Value("${baton.listeners.keep:P7D}") Duration keep,
            @Value("${baton.listeners.keep-dead:P30D}") Duration keepDead,
            @Value("${baton.listeners.max-dead-per-listener:10000}") int deadPerListener) {
        if (maxAttempts < 1 || perTenant < 1 || maxInFlight < 1 || deadPerListener < 0) {
            throw new IllegalArgumentException("baton.listeners.max-attempts, per-tenant and max-in-flight must be "
                    + "1 or more");
        }
        // a claim is held past the longest send: connect, the receiver's answer, and room to record it
        Duration lease = readTimeout.multipliedBy(2).plusSeconds(30);
        // connections of its own, as many as sends may be under way: the per-tenant share bounds each tenant, and a
        // slow receiver holds no connection HTTP tasks or sign-ins need
        OutboundAddressPolicy own = outbound.withPool(maxInFlight, maxInFlight);
        Map<String, Broker> byType = brokers.stream().collect(Collectors.toMap(Broker::type, b -> b));
        return new DeliveryDispatcher(jdbc, tx, store, own, secrets, byType,
                observer.getIfAvailable(() -> DeliveryObserver.NONE), clock, new DeliveryDispatcher.Settings(
                interval, maxInFlight, perTenant, lease, maxAttempts, firstRetry, longestRetry, readTimeout, keep,
                keepDead, deadPerListener));
    }
}
