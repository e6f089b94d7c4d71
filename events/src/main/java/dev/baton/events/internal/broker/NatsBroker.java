package dev.baton.events.internal.broker;

import dev.baton.events.Broker;
import dev.baton.tenancy.TenantId;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NATS through its official Java client: {@code nats:<subject>} is the subject {@code baton.<tenant>.<subject>}.
 * Every node subscribes in the queue group {@code baton}, so NATS hands each message to one node. Core NATS keeps
 * no message that no subscriber was there to take, as Conductor's NATS queues do not.
 */
public final class NatsBroker implements Broker, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NatsBroker.class);
    private static final String GROUP = "baton";

    private final Options options;
    private final Map<String, Dispatcher> subscriptions = new ConcurrentHashMap<>();
    private Connection connection;

    public NatsBroker(String url) {
        this.options = new Options.Builder().server(url).maxReconnects(-1).connectionTimeout(Duration.ofSeconds(5))
                .connectionName("baton").build();
    }

    /** Connects at first use, so a NATS that is down when the platform starts only delays NATS events. */
    private synchronized Connection connection() throws java.io.IOException, InterruptedException {
        if (connection == null) {
            connection = Nats.connect(options);
        }
        return connection;
    }

    @Override
    public String type() {
        return "nats";
    }

    @Override
    public void publish(TenantId tenant, String destination, Map<String, Object> payload) throws Exception {
        byte[] body = Payloads.write(payload);
        Connection nats = connection();
        if (body.length > nats.getMaxPayload()) {
            throw new IllegalArgumentException("the message is larger than the server takes ("
                    + nats.getMaxPayload() + " bytes)");
        }
        nats.publish(Broker.physicalName(tenant, destination), body);
        nats.flush(Duration.ofSeconds(5));
    }

    @Override
    public void subscribe(TenantId tenant, String destination, Inbox inbox) {
        subscriptions.computeIfAbsent(tenant.value() + "|" + destination, k -> {
            Connection nats;
            try {
                nats = connection();
            } catch (java.io.IOException | InterruptedException e) {
                log.warn("cannot reach NATS for nats:{} of tenant {}; trying again later: {}", destination,
                        tenant.value(), e.toString());
                return null;
            }
            Dispatcher dispatcher = nats.createDispatcher(message -> {
                try {
                    inbox.received(tenant, type() + ":" + destination, Payloads.read(message.getData()));
                } catch (RuntimeException e) {
                    log.warn("could not keep a message of nats:{} for tenant {}: {}", destination, tenant.value(),
                            e.toString());
                }
            });
            dispatcher.subscribe(Broker.physicalName(tenant, destination), GROUP);
            return dispatcher;
        });
    }

    @Override
    public void unsubscribe(TenantId tenant, String destination) {
        Dispatcher dispatcher = subscriptions.remove(tenant.value() + "|" + destination);
        if (dispatcher != null) {
            dispatcher.unsubscribe(Broker.physicalName(tenant, destination));
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (connection != null) {
            connection.close();
        }
    }
}
