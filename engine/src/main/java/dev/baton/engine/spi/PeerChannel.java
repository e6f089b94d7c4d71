package dev.baton.engine.spi;

import java.util.function.Consumer;

/**
 * A channel every server node publishes short messages to and hears the others' on: PostgreSQL's
 * {@code LISTEN/NOTIFY} by default, Redis when one is configured. Delivery is best effort: a lost message may only
 * cost latency.
 */
public interface PeerChannel extends AutoCloseable {

    /** Starts delivering every message published on the channel, this node's own included, to {@code receiver}. */
    void subscribe(Consumer<String> receiver);

    /** Publishes {@code message}; may block briefly, so callers publish from a thread of their own. */
    void publish(String message);

    @Override
    void close();
}
