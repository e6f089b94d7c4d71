package dev.baton.engine.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QueueSignalsTest {

    @Test
    void aQueueSeenEmptyIsKnownEmptyUntilATaskIsQueuedInIt() {
        QueueSignals signals = new QueueSignals(Duration.ofMinutes(1));
        try (QueueSignals.Waiter w = signals.register("t1", "q")) {
            assertThat(w.knownEmpty()).as("never looked").isFalse();
            w.sawEmpty(w.version());
            assertThat(w.knownEmpty()).isTrue();
            signals.signal("t1", "other", 1);
            signals.signal("t2", "q", 1);
            assertThat(w.knownEmpty()).as("other queues and tenants do not count").isTrue();
            signals.signal("t1", "q", 1);
            assertThat(w.knownEmpty()).isFalse();
        }
    }

    @Test
    void anEmptyLookThatRacedWithAQueuingProvesNothing() {
        QueueSignals signals = new QueueSignals(Duration.ofMinutes(1));
        try (QueueSignals.Waiter w = signals.register("t1", "q")) {
            long before = w.version();
            signals.signal("t1", "q", 1); // committed while the look ran, which may have missed it
            w.sawEmpty(before);
            assertThat(w.knownEmpty()).isFalse();
        }
    }

    @Test
    void anEmptyLookIsTrustedOnlyForItsTrustPeriod() throws Exception {
        QueueSignals signals = new QueueSignals(Duration.ofMillis(50));
        try (QueueSignals.Waiter w = signals.register("t1", "q")) {
            w.sawEmpty(w.version());
            assertThat(w.knownEmpty()).isTrue();
            TimeUnit.MILLISECONDS.sleep(80);
            assertThat(w.knownEmpty()).isFalse();
        }
        QueueSignals trustingNothing = new QueueSignals();
        try (QueueSignals.Waiter w = trustingNothing.register("t1", "q")) {
            w.sawEmpty(w.version());
            assertThat(w.knownEmpty()).isFalse();
        }
    }

    @Test
    void queuingOneTaskWakesOneWaiterOldestFirst() throws Exception {
        QueueSignals signals = new QueueSignals();
        try (QueueSignals.Waiter first = signals.register("t1", "q");
                QueueSignals.Waiter second = signals.register("t1", "q")) {
            signals.signal("t1", "q", 1);
            assertThat(first.await(0)).isTrue();
            assertThat(second.await(TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
        }
    }

    @Test
    void linesOfQueuesNobodyWaitsOnAreDroppedOnceThereAreTooMany() {
        QueueSignals signals = new QueueSignals(Duration.ZERO, 10);
        for (int i = 0; i < 1_000; i++) { // a tenant polling task types it makes up
            signals.register("t1", "invented-" + i).close();
        }
        assertThat(signals.lines()).isLessThanOrEqualTo(11);
    }

    @Test
    void aLineSomebodyWaitsOnOrWithATrustedEmptyProofSurvivesTheDrop() throws Exception {
        QueueSignals signals = new QueueSignals(Duration.ofMinutes(1), 2);
        try (QueueSignals.Waiter waiting = signals.register("t1", "busy")) {
            try (QueueSignals.Waiter looked = signals.register("t1", "proved")) {
                looked.sawEmpty(looked.version());
            }
            for (int i = 0; i < 50; i++) {
                signals.register("t1", "invented-" + i).close();
            }
            assertThat(signals.lines()).isLessThan(50);
            try (QueueSignals.Waiter again = signals.register("t1", "proved")) {
                assertThat(again.knownEmpty()).as("the proof was kept").isTrue();
            }
            signals.signal("t1", "busy", 1);
            assertThat(waiting.await(TimeUnit.SECONDS.toNanos(1))).as("still in its line").isTrue();
        }
    }
}
