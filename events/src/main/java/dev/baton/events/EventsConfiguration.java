package dev.baton.events;

import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.Expressions;
import dev.baton.engine.api.TaskService;
import dev.baton.engine.api.WorkflowService;
import dev.baton.events.internal.ActionRunner;
import dev.baton.events.internal.BrokerSubscriptions;
import dev.baton.events.internal.EventProcessor;
import dev.baton.events.internal.EventTaskHandler;
import dev.baton.events.internal.HandlerStore;
import dev.baton.events.internal.MessageStore;
import dev.baton.events.internal.WaitForEventsHandler;
import dev.baton.events.internal.WaitStore;
import dev.baton.events.internal.broker.AmqpBroker;
import dev.baton.events.internal.broker.NatsBroker;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.Tenants;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** Wires event handlers, the EVENT task, the messages between them and the processor that handles them. */
@Configuration(proxyBeanMethods = false)
public class EventsConfiguration {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Bean
    HandlerStore eventHandlerStore(JdbcClient jdbc) {
        return new HandlerStore(jdbc, JSON);
    }

    @Bean
    MessageStore eventMessageStore(JdbcClient jdbc) {
        return new MessageStore(jdbc, JSON);
    }

    @Bean
    EventHandlers eventHandlers(TenantTransactions tx, HandlerStore store, MessageStore messages,
            Expressions expressions,
            List<Broker> brokers,
            @Value("${baton.events.max-handlers-per-tenant:1000}") int perTenant,
            @Value("${baton.events.max-handlers-per-event:50}") int perEvent,
            @Value("${baton.events.max-actions-per-handler:10}") int actions) {
        return new EventHandlers(tx, store, messages, expressions, sourceTypes(brokers),
                new EventHandlers.Limits(perTenant, perEvent, actions));
    }

    @Bean
    EventPublisher eventPublisher(TenantTransactions tx, MessageStore messages, Clock clock,
            ObjectProvider<EventProcessor> processor) {
        // the processor depends on the engine, whose task handlers include the EVENT task that publishes here
        return new EventPublisher(tx, messages, clock, () -> processor.getObject().wake());
    }

    @Bean
    WaitStore eventWaitStore(JdbcClient jdbc) {
        return new WaitStore(jdbc, JSON);
    }

    @Bean
    WaitForEventsHandler waitForEventsHandler(WaitStore waits, List<Broker> brokers) {
        return new WaitForEventsHandler(waits, sourceTypes(brokers));
    }

    @Bean
    EventTaskHandler eventTaskHandler(EventPublisher publisher, List<Broker> brokers) {
        return new EventTaskHandler(publisher, Set.copyOf(brokers.stream().map(Broker::type).toList()));
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    EventProcessor eventProcessor(JdbcClient jdbc, TenantTransactions tx, HandlerStore handlers,
            MessageStore messages, WaitStore waits, WorkflowService workflows, TaskService tasks,
            Expressions expressions,
            ObjectProvider<CompositionPolicy> composition, Tenants tenants, List<Broker> brokers,
            @Value("${baton.events.sweep-interval:PT0.5S}") Duration sweepInterval,
            @Value("${baton.events.batch:50}") int batch,
            @Value("${baton.events.tenants-at-once:16}") int tenantsAtOnce,
            @Value("${baton.events.max-attempts:10}") int maxAttempts,
            @Value("${baton.events.keep:PT24H}") Duration keep) {
        ActionRunner runner = new ActionRunner(workflows, tasks, expressions,
                composition.getIfAvailable(() -> CompositionPolicy.OPEN), tenants, JSON);
        return new EventProcessor(jdbc, tx, handlers, messages, runner, waits, tasks, expressions, brokers,
                new EventProcessor.Settings(sweepInterval, batch, tenantsAtOnce, maxAttempts, keep));
    }

    /** RabbitMQ (or any AMQP 0-9-1 broker) when {@code baton.events.amqp.uri} is set. */
    @Bean(destroyMethod = "close")
    @Conditional(AmqpConfigured.class)
    AmqpBroker amqpBroker(@Value("${baton.events.amqp.uri}") String uri) throws Exception {
        return new AmqpBroker(uri);
    }

    /** NATS when {@code baton.events.nats.url} is set. */
    @Bean(destroyMethod = "close")
    @Conditional(NatsConfigured.class)
    NatsBroker natsBroker(@Value("${baton.events.nats.url}") String url) throws Exception {
        return new NatsBroker(url);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    BrokerSubscriptions brokerSubscriptions(JdbcClient jdbc, List<Broker> brokers, EventPublisher publisher,
            @Value("${baton.events.subscription-refresh:PT2S}") Duration refresh) {
        return new BrokerSubscriptions(jdbc, brokers, publisher, refresh);
    }

    static final class AmqpConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !context.getEnvironment().getProperty("baton.events.amqp.uri", "").isBlank();
        }
    }

    static final class NatsConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !context.getEnvironment().getProperty("baton.events.nats.url", "").isBlank();
        }
    }

    private static Set<String> sourceTypes(List<Broker> brokers) {
        Set<String> types = new TreeSet<>();
        types.add(EventHandlers.CONDUCTOR);
        brokers.forEach(b -> types.add(b.type()));
        return types;
    }
}
