package dev.baton.coordination;

import dev.baton.engine.spi.PeerChannel;
import java.util.function.Consumer;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The peers' channel through Redis publish/subscribe (a Redisson topic). */
public final class RedisPeerChannel implements PeerChannel {

    private final RTopic topic;
    private volatile int listener = -1;

    public RedisPeerChannel(RedissonClient redis, String name) {
        this.topic = redis.getTopic(name, StringCodec.INSTANCE);
    }

    @Override
    public void subscribe(Consumer<String> receiver) {
        listener = topic.addListener(String.class, (channel, message) -> receiver.accept(message));
    }

    @Override
    public void publish(String message) {
        topic.publish(message);
    }

    @Override
    public void close() {
        if (listener >= 0) {
            topic.removeListener(listener);
        }
    }
}
