package dev.baton.events;

import dev.baton.tenancy.TenantId;
import java.util.Map;

/**
 * A message broker events can be published to and received from, named by the type prefix of an event
 * ({@code amqp:orders}). A Spring bean of this type adds one; the internal {@code conductor} queue needs none.
 */
public interface Broker {

    /**
     * What may follow the type: dot-separated words of letters, digits, '_' and '-' (no wildcards), at most 200
     * characters. On the broker it is prefixed by {@code baton.<tenant>.}, so tenants sharing a broker never share a
     * queue or subject.
     */
    java.util.regex.Pattern DESTINATION = java.util.regex.Pattern.compile(
            "(?=.{1,200}$)[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    /** The name of {@code destination} of {@code tenant} on a shared broker. */
    static String physicalName(TenantId tenant, String destination) {
        return "baton." + tenant.value() + "." + destination;
    }

    /** The type prefix of its events. */
    String type();

    /**
     * Publishes {@code payload} as JSON to {@code destination} (the event's part after the type) on behalf of
     * {@code tenant}; throws when the broker refuses or cannot be reached, so the message is tried again.
     */
    void publish(TenantId tenant, String destination, Map<String, Object> payload) throws Exception;

    /** Starts receiving {@code destination} for {@code tenant}'s handlers, writing what arrives through {@code inbox}. */
    void subscribe(TenantId tenant, String destination, Inbox inbox);

    /** Stops receiving {@code destination} for {@code tenant}. */
    void unsubscribe(TenantId tenant, String destination);

    /** Where a broker hands what it received: written as a message to handle, durably, before it is acknowledged. */
    interface Inbox {
        void received(TenantId tenant, String event, Map<String, Object> payload);
    }
}
