package dev.baton.events;

import dev.baton.events.internal.MessageStore;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * Writes messages for the event processor: in the caller's transaction when there is one (an EVENT task's
 * decision), so a message exists exactly when what published it was committed; the processor is woken after the
 * commit. Brokers hand what they receive here too.
 */
public final class EventPublisher implements Broker.Inbox {

    private final TenantTransactions tx;
    private final MessageStore messages;
    private final Clock clock;
    private final Runnable wake;

    public EventPublisher(TenantTransactions tx, MessageStore messages, Clock clock, Runnable wake) {
        this.tx = tx;
        this.messages = messages;
        this.clock = clock;
        this.wake = wake;
    }

    /** A message of {@code event} for the tenant's handlers; answers its id. */
    public UUID publish(TenantId tenant, String event, Map<String, Object> payload) {
        return write(tenant, event, false, payload);
    }

    /** A message to be published to the broker {@code event}'s type names; answers its id. */
    public UUID publishOut(TenantId tenant, String event, Map<String, Object> payload) {
        return write(tenant, event, true, payload);
    }

    @Override
    public void received(TenantId tenant, String event, Map<String, Object> payload) {
        publish(tenant, event, payload);
    }

    private UUID write(TenantId tenant, String event, boolean outgoing, Map<String, Object> payload) {
        UUID id = UUID.randomUUID();
        tx.run(tenant, () -> {
            messages.insert(tenant.value(), id, event, outgoing, payload, clock.instant());
            TenantTransactions.afterCommit(wake);
        });
        return id;
    }
}
