package dev.baton.events.internal;

import dev.baton.events.Broker;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keeps this node subscribed to exactly the broker events some active handler listens to, every tenant's: read
 * every {@code refresh}, so a handler registered, deactivated or removed on any node is followed within that time.
 */
public final class BrokerSubscriptions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BrokerSubscriptions.class);

    private record Source(TenantId tenant, String type, String destination) {}

    private final JdbcClient jdbc;
    private final Map<String, Broker> brokers;
    private final Broker.Inbox inbox;
    private final Duration refresh;
    private final Set<Source> subscribed = new HashSet<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("event-subscriptions").daemon().factory());

    public BrokerSubscriptions(JdbcClient jdbc, List<Broker> brokers, Broker.Inbox inbox, Duration refresh) {
        this.jdbc = jdbc;
        this.brokers = brokers.stream().collect(Collectors.toMap(Broker::type, Function.identity()));
        this.inbox = inbox;
        this.refresh = refresh;
    }

    public void start() {
        if (!brokers.isEmpty()) {
            timer.scheduleWithFixedDelay(this::refresh, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    synchronized void refresh() {
        try {
            Set<Source> wanted = new HashSet<>();
            jdbc.sql("SELECT tenant_id, event FROM active_broker_events()").query((rs, i) -> {
                String event = rs.getString(2);
                int colon = event.indexOf(':');
                return new Source(new TenantId(rs.getString(1)), event.substring(0, colon),
                        event.substring(colon + 1));
            }).list().stream().filter(s -> brokers.containsKey(s.type())).forEach(wanted::add);
            for (Source s : Set.copyOf(subscribed)) {
                if (!wanted.contains(s)) {
                    brokers.get(s.type()).unsubscribe(s.tenant(), s.destination());
                    subscribed.remove(s);
                }
            }
            for (Source s : wanted) {
                // subscribing again is harmless: a broker keeps one consumer per tenant and destination
                brokers.get(s.type()).subscribe(s.tenant(), s.destination(), inbox);
                subscribed.add(s);
            }
        } catch (RuntimeException e) {
            log.warn("could not follow the handlers' broker events; trying again: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
