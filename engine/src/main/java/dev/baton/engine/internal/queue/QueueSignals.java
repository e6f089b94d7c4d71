package dev.baton.engine.internal.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Wakes long-polling workers when tasks are queued, in this process, and remembers which queues were seen empty.
 *
 * <p>Each queue keeps its waiting pollers in arrival order; queuing N tasks wakes at most N of them (the oldest
 * first), so one task never stampedes every waiting poll into the database. A poller registers before it looks at
 * the database, so a task queued between its empty look and its wait still wakes it.
 *
 * <p>A look that found fewer tasks than it asked for proves the queue empty at that moment. Until a task is queued
 * again (every queuing counts up the queue's version) a poller need not look again: a worker that has just taken
 * the last task and asks for more waits without a database round trip. That proof is trusted only for
 * {@code emptyTrust}, because a few tasks become visible without a signal here (a retry's or callback's delay
 * running out, a task queued by another node).
 *
 * <p>A tenant names its queues (task types) itself, so their lines are bounded: once there are more than
 * {@code mostLines}, lines nobody waits on and whose empty proof has expired (they hold nothing worth keeping) are
 * dropped.
 */
public final class QueueSignals {

    /** How many lines are kept before idle ones are dropped. */
    static final int MOST_LINES = 100_000;

    private final Map<String, Line> lines = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();
    private final long emptyTrustNanos;
    private final int mostLines;
    private final AtomicInteger dropAbove;

    /** Trusts no empty look: every poll reads the database. */
    public QueueSignals() {
        this(Duration.ZERO);
    }

    public QueueSignals(Duration emptyTrust) {
        this(emptyTrust, MOST_LINES);
    }

    QueueSignals(Duration emptyTrust, int mostLines) {
        this.emptyTrustNanos = emptyTrust.toNanos();
        this.mostLines = mostLines;
        this.dropAbove = new AtomicInteger(mostLines);
    }

    /** Tells {@code listener} (tenant, queue) whenever tasks are queued, besides waking pollers. */
    public void listen(BiConsumer<String, String> listener) {
        listeners.add(listener);
    }

    /** Registers the calling thread as a waiter of the queue; close it when done. */
    public Waiter register(String tenant, String queue) {
        Waiter[] made = new Waiter[1];
        // joined inside the map's update, so a line is never dropped between being found and being joined
        lines.compute(key(tenant, queue), (k, found) -> {
            Line line = found != null ? found : new Line();
            made[0] = new Waiter(line, Thread.currentThread());
            line.waiters.addLast(made[0]);
            return line;
        });
        int size = lines.size();
        int above = dropAbove.get();
        if (size > above && dropAbove.compareAndSet(above, Integer.MAX_VALUE)) {
            dropIdleLines();
        }
        return made[0];
    }

    /** How many queues have a line now. */
    int lines() {
        return lines.size();
    }

    private void dropIdleLines() {
        long now = System.nanoTime();
        for (String key : lines.keySet()) {
            lines.computeIfPresent(key, (k, line) -> line.idle(now) ? null : line);
        }
        // when most lines are busy, the next sweep waits until there are twice as many, so sweeps stay rare
        dropAbove.set(Math.max(mostLines, 2 * lines.size()));
    }

    /** Wakes up to {@code count} pollers waiting on the queue. */
    public void signal(String tenant, String queue, int count) {
        for (BiConsumer<String, String> listener : listeners) {
            listener.accept(tenant, queue);
        }
        Line line = lines.get(key(tenant, queue));
        if (line == null) {
            return;
        }
        line.version.incrementAndGet();
        for (int i = 0; i < count; i++) {
            Waiter w = line.waiters.pollFirst();
            if (w == null) {
                return;
            }
            w.signalled = true;
            LockSupport.unpark(w.thread);
        }
    }

    private static String key(String tenant, String queue) {
        return tenant + '\u0000' + queue;
    }

    /** A queue's waiting pollers, how often tasks were queued in it, and when it was last seen empty. */
    private final class Line {
        final ConcurrentLinkedDeque<Waiter> waiters = new ConcurrentLinkedDeque<>();
        final AtomicLong version = new AtomicLong();
        volatile long emptyAtVersion = -1;
        volatile long emptySeenAt;

        /** Nobody waits here and no empty proof is still trusted: dropping it loses nothing. */
        boolean idle(long now) {
            return waiters.isEmpty() && (emptyAtVersion < 0 || now - emptySeenAt >= emptyTrustNanos);
        }
    }

    /** One poller's place in a queue's line of waiters. */
    public final class Waiter implements AutoCloseable {
        private final Line line;
        private final Thread thread;
        private volatile boolean signalled;

        private Waiter(Line line, Thread thread) {
            this.line = line;
            this.thread = thread;
        }

        /** The queue's version now: read it before looking at the database, and report an empty look with it. */
        public long version() {
            return line.version.get();
        }

        /** A look that began at {@code version} found fewer tasks than it asked for. */
        public void sawEmpty(long version) {
            line.emptySeenAt = System.nanoTime();
            line.emptyAtVersion = version;
        }

        /** Whether the queue is known to be empty: seen so lately, and nothing queued since. */
        public boolean knownEmpty() {
            return emptyTrustNanos > 0 && line.emptyAtVersion == line.version.get()
                    && System.nanoTime() - line.emptySeenAt < emptyTrustNanos;
        }

        /** Waits until signalled or {@code nanos} pass; returns whether it was signalled. */
        public boolean await(long nanos) {
            long deadline = System.nanoTime() + nanos;
            while (!signalled) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return signalled;
                }
                LockSupport.parkNanos(this, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
            return true;
        }

        /** Takes a fresh place at the end of the line after being woken without getting a task. */
        public void rejoin() {
            signalled = false;
            // joins the end before leaving its old place, so the line is never empty (droppable) meanwhile
            line.waiters.addLast(this);
            line.waiters.removeFirstOccurrence(this);
        }

        @Override
        public void close() {
            line.waiters.remove(this);
        }
    }
}
