package dev.baton.events.internal.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import dev.baton.events.Broker;
import dev.baton.tenancy.TenantId;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AMQP 0-9-1 (RabbitMQ) through its official Java client: {@code amqp:<queue>} is the durable queue
 * {@code baton.<tenant>.<queue>}. Publishing waits for the broker's confirm and marks messages persistent; a
 * received message is acknowledged only after it was written to the event messages, so a node that dies meanwhile
 * leaves it to another consumer. Every node consumes, and the broker hands each message to one of them.
 */
public final class AmqpBroker implements Broker, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AmqpBroker.class);
    private static final int PREFETCH = 50;

    private final ConnectionFactory factory = new ConnectionFactory();
    private final Map<String, Channel> consumers = new ConcurrentHashMap<>();
    private volatile Connection connection;

    public AmqpBroker(String uri) throws Exception {
        factory.setUri(uri);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setConnectionTimeout(5000);
        factory.setMaxInboundMessageBodySize(Payloads.MAX_BYTES);
    }

    @Override
    public String type() {
        return "amqp";
    }

    private synchronized Connection connection() throws Exception {
        if (connection == null || !connection.isOpen()) {
            connection = factory.newConnection("baton");
        }
        return connection;
    }

    @Override
    public void publish(TenantId tenant, String destination, Map<String, Object> payload) throws Exception {
        String queue = Broker.physicalName(tenant, destination);
        try (Channel channel = connection().createChannel()) {
            channel.confirmSelect();
            channel.queueDeclare(queue, true, false, false, null);
            AMQP.BasicProperties properties = MessageProperties.PERSISTENT_BASIC.builder()
                    .contentType("application/json").build();
            channel.basicPublish("", queue, properties, Payloads.write(payload));
            channel.waitForConfirmsOrDie(5000);
        }
    }

    @Override
    public void subscribe(TenantId tenant, String destination, Inbox inbox) {
        String key = tenant.value() + "|" + destination;
        consumers.computeIfAbsent(key, k -> {
            try {
                String queue = Broker.physicalName(tenant, destination);
                Channel channel = connection().createChannel();
                channel.basicQos(PREFETCH);
                channel.queueDeclare(queue, true, false, false, null);
                channel.basicConsume(queue, false, (tag, delivery) -> {
                    long deliveryTag = delivery.getEnvelope().getDeliveryTag();
                    try {
                        inbox.received(tenant, type() + ":" + destination, Payloads.read(delivery.getBody()));
                        channel.basicAck(deliveryTag, false);
                    } catch (RuntimeException e) {
                        log.info("could not keep a message of {} for tenant {}; the broker redelivers it: {}",
                                queue, tenant.value(), e.toString());
                        channel.basicNack(deliveryTag, false, true);
                    }
                }, tag -> { });
                return channel;
            } catch (Exception e) {
                log.warn("cannot consume amqp:{} for tenant {}; trying again later: {}", destination,
                        tenant.value(), e.toString());
                return null;
            }
        });
    }

    @Override
    public void unsubscribe(TenantId tenant, String destination) {
        Channel channel = consumers.remove(tenant.value() + "|" + destination);
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
                // the channel is gone with its consumer either way
            }
        }
    }

    @Override
    public synchronized void close() {
        consumers.keySet().forEach(k -> {
            String[] parts = k.split("\\|", 2);
            unsubscribe(new TenantId(parts[0]), parts[1]);
        });
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
        }
    }
}
