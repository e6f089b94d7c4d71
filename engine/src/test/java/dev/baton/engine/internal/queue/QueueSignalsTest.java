package dev.baton.engine.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    void aPollerWokenWithoutATaskHearsTheNextQueuing() throws Exception {
        QueueSignals signals = new QueueSignals();
        try (QueueSignals.Waiter w = signals.register("t1", "q")) {
            signals.signal("t1", "q", 1);
            assertThat(w.await(0)).isTrue();
            w.rejoin(); // another poller took the task first
            signals.signal("t1", "q", 1);
            assertThat(w.await(TimeUnit.SECONDS.toNanos(5))).as("woken again, not left to its timeout").isTrue();
        }
    }

    @Test
    void aPollerParkedOnAQueueKnownEmptyIsClaimedAndHandedTheTasksQueuedForIt() throws Exception {
        QueueSignals signals = new QueueSignals(Duration.ofMinutes(1));
        Task task = new Task();
        try (QueueSignals.Waiter w = signals.register("t1", "q", "worker-7", 3)) {
            w.sawEmpty(w.version());
            CompletableFuture<Boolean> awaited = CompletableFuture.supplyAsync(
                    () -> w.await(TimeUnit.SECONDS.toNanos(10)));
            QueueSignals.Waiter claimed = claimWithin(signals, "t1", "q");
            assertThat(claimed).isSameAs(w);
            assertThat(claimed.workerId()).isEqualTo("worker-7");
            assertThat(claimed.count()).isEqualTo(3);
            assertThat(signals.claim("t1", "q")).as("claimed once").isNull();
            claimed.hand(List.of(task));
            assertThat(awaited.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(w.handed()).containsExactly(task);
            assertThat(w.knownEmpty()).as("a hand-off queues nothing: the queue stays known empty").isTrue();
        }
    }

    @Test
    void aPollerStillLookingOrOnAQueueNotKnownEmptyIsNeverClaimed() {
        QueueSignals signals = new QueueSignals(Duration.ofMinutes(1));
        try (QueueSignals.Waiter looking = signals.register("t1", "q", "w", 1)) {
            looking.sawEmpty(looking.version());
            assertThat(signals.claim("t1", "q")).as("not parked yet").isNull();
        }
        try (QueueSignals.Waiter plain = signals.register("t1", "other")) {
            plain.sawEmpty(plain.version());
            CompletableFuture.runAsync(() -> plain.await(TimeUnit.MILLISECONDS.toNanos(300)));
            sleepMillis(100);
            assertThat(signals.claim("t1", "other")).as("a poller nobody may hand tasks to").isNull();
        }
        QueueSignals trustingNothing = new QueueSignals();
        try (QueueSignals.Waiter w = trustingNothing.register("t1", "q", "w", 1)) {
            w.sawEmpty(w.version());
            CompletableFuture.runAsync(() -> w.await(TimeUnit.MILLISECONDS.toNanos(300)));
            sleepMillis(100);
            assertThat(trustingNothing.claim("t1", "q")).as("an empty look not trusted").isNull();
        }
    }

    @Test
    void aClaimedPollerWaitsPastItsTimeoutForItsClaimerAndARollbackSendsItBackToLook() throws Exception {
        QueueSignals signals = new QueueSignals(Duration.ofMinutes(1));
        try (QueueSignals.Waiter w = signals.register("t1", "q", "w", 1)) {
            w.sawEmpty(w.version());
            CompletableFuture<Boolean> awaited = CompletableFuture.supplyAsync(
                    () -> w.await(TimeUnit.MILLISECONDS.toNanos(300)));
            QueueSignals.Waiter claimed = claimWithin(signals, "t1", "q");
            sleepMillis(500);
            assertThat(awaited).as("held by its claimer past the 300 ms it asked to wait").isNotDone();
            claimed.release();
            assertThat(awaited.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(w.handed()).isEmpty();
        }
    }

    @Test
    void aQueuingWakesNoPollerThatWasClaimed() throws Exception {
        QueueSignals signals = new QueueSignals(Duration.ofMinutes(1));
        try (QueueSignals.Waiter claimedOne = signals.register("t1", "q", "w1", 1);
                QueueSignals.Waiter other = signals.register("t1", "q", "w2", 1)) {
            claimedOne.sawEmpty(claimedOne.version());
            CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(
                    () -> claimedOne.await(TimeUnit.SECONDS.toNanos(10)));
            QueueSignals.Waiter claimed = claimWithin(signals, "t1", "q");
            assertThat(claimed).isSameAs(claimedOne);
            signals.signal("t1", "q", 1);
            assertThat(other.await(0)).as("the wake goes to the next poller in line").isTrue();
            claimed.hand(List.of(new Task()));
            assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(claimedOne.handed()).hasSize(1);
        }
    }

    private static QueueSignals.Waiter claimWithin(QueueSignals signals, String tenant, String queue) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < until) {
            QueueSignals.Waiter w = signals.claim(tenant, queue);
            if (w != null) {
                return w;
            }
            sleepMillis(5);
        }
        throw new AssertionError("no poller parked on " + queue + " within 5 s");
    }

    private static void sleepMillis(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    @Test
    void queuingsThisNodesPollersDoNotTakeGoToThePeersAndTheirsWakeOnlyOurs() throws Exception {
        QueueSignals signals = new QueueSignals(Duration.ofMinutes(1));
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        signals.connect(new QueueSignals.Peers() {
            @Override
            public void queued(String tenant, String queue, int count) {
                told.add("queued " + tenant + "/" + queue + " " + count);
            }

            @Override
            public void waiting(String tenant, String queue) {
                told.add("waiting " + tenant + "/" + queue);
            }
        });
        CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
            try (QueueSignals.Waiter w = signals.register("t1", "q")) {
                return w.await(TimeUnit.SECONDS.toNanos(5));
            }
        });
        while (!told.contains("waiting t1/q")) {
            Thread.sleep(5);
        }
        signals.signal("t1", "q", 3);
        assertThat(woken.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(told).containsExactly("waiting t1/q", "queued t1/q 2");
        signals.signalFromPeer("t1", "q", 1);
        assertThat(told).as("a peer's queuing is not sent back").hasSize(2);
    }
}
