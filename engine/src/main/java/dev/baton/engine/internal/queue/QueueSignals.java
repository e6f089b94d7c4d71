package dev.baton.engine.internal.queue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Wakes long-polling workers when tasks are queued, in this process.
 *
 * <p>Each queue keeps its waiting pollers in arrival order; queuing N tasks wakes at most N of them (the oldest
 * first), so one task never stampedes every waiting poll into the database. A poller registers before it looks at
 * the database, so a task queued between its empty look and its wait still wakes it.
 */
public final class QueueSignals {

    private final Map<String, ConcurrentLinkedDeque<Waiter>> waiters = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();

    /** Tells {@code listener} (tenant, queue) whenever tasks are queued, besides waking pollers. */
    public void listen(BiConsumer<String, String> listener) {
        listeners.add(listener);
    }

    /** Registers the calling thread as a waiter of the queue; close it when done. */
    public Waiter register(String tenant, String queue) {
        ConcurrentLinkedDeque<Waiter> q = waiters.computeIfAbsent(key(tenant, queue), k -> new ConcurrentLinkedDeque<>());
        Waiter w = new Waiter(q, Thread.currentThread());
        q.addLast(w);
        return w;
    }

    /** Wakes up to {@code count} pollers waiting on the queue. */
    public void signal(String tenant, String queue, int count) {
        for (BiConsumer<String, String> listener : listeners) {
            listener.accept(tenant, queue);
        }
        ConcurrentLinkedDeque<Waiter> q = waiters.get(key(tenant, queue));
        if (q == null) {
            return;
        }
        for (int i = 0; i < count; i++) {
            Waiter w = q.pollFirst();
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

    /** One poller's place in a queue's line of waiters. */
    public static final class Waiter implements AutoCloseable {
        private final ConcurrentLinkedDeque<Waiter> line;
        private final Thread thread;
        private volatile boolean signalled;

        private Waiter(ConcurrentLinkedDeque<Waiter> line, Thread thread) {
            this.line = line;
            this.thread = thread;
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
            line.remove(this);
            line.addLast(this);
        }

        @Override
        public void close() {
            line.remove(this);
        }
    }
}
