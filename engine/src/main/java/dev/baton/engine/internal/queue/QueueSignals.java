package dev.baton.engine.internal.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
 */
public final class QueueSignals {

    private final Map<String, Line> lines = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();
    private final long emptyTrustNanos;

    /** Trusts no empty look: every poll reads the database. */
    public QueueSignals() {
        this(Duration.ZERO);
    }

    public QueueSignals(Duration emptyTrust) {
        this.emptyTrustNanos = emptyTrust.toNanos();
    }

    /** Tells {@code listener} (tenant, queue) whenever tasks are queued, besides waking pollers. */
    public void listen(BiConsumer<String, String> listener) {
        listeners.add(listener);
    }

    /** Registers the calling thread as a waiter of the queue; close it when done. */
    public Waiter register(String tenant, String queue) {
        Line line = line(tenant, queue);
        Waiter w = new Waiter(line, Thread.currentThread());
        line.waiters.addLast(w);
        return w;
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

    private Line line(String tenant, String queue) {
        return lines.computeIfAbsent(key(tenant, queue), k -> new Line());
    }

    private static String key(String tenant, String queue) {
        return tenant + '\u0000' + queue;
    }

    /** A queue's waiting pollers, how often tasks were queued in it, and when it was last seen empty. */
    private static final class Line {
        final ConcurrentLinkedDeque<Waiter> waiters = new ConcurrentLinkedDeque<>();
        final AtomicLong version = new AtomicLong();
        volatile long emptyAtVersion = -1;
        volatile long emptySeenAt;
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
            line.waiters.remove(this);
            line.waiters.addLast(this);
        }

        @Override
        public void close() {
            line.waiters.remove(this);
        }
    }
}
