package dev.baton.listeners.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryDispatcherTest {

    @Test
    void waitsDoubleFromTheFirstRetryUpToTheLongest() {
        OutboundAddressPolicy outbound = new OutboundAddressPolicy(new OutboundAddressPolicy.Settings(false,
                List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), 1024));
        try (DeliveryDispatcher dispatcher = new DeliveryDispatcher(null, null, null, outbound, null, java.util.Map.of(),
                dev.baton.listeners.DeliveryObserver.NONE, null,
                new DeliveryDispatcher.Settings(Duration.ofSeconds(1), 64, 4, Duration.ofMinutes(1), 10,
                        Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofDays(7),
                        Duration.ofDays(30), 10_000))) {
            assertThat(dispatcher.retryAfter(1)).isEqualTo(Duration.ofSeconds(10));
            assertThat(dispatcher.retryAfter(2)).isEqualTo(Duration.ofSeconds(20));
            assertThat(dispatcher.retryAfter(3)).isEqualTo(Duration.ofSeconds(40));
            assertThat(dispatcher.retryAfter(4)).isEqualTo(Duration.ofMinutes(1));
            assertThat(dispatcher.retryAfter(1000)).isEqualTo(Duration.ofMinutes(1));
        }
    }
}
