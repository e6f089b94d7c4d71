package dev.baton.engine.internal.queue;

import dev.baton.engine.api.execution.Task;
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
 * <p>A transaction that queues a task where a poller waits on a queue known to be empty may {@link #claim} that
 * poller and hand it the task directly: the task is written already taken by the poller's worker, and the poller
 * returns it once the transaction commits, without a transaction of its own. Only a waiter parked after an empty look
 * can be claimed, and a claimed one waits for its claimer's outcome (handed tasks, or released to look again).
 *
 * <p>A tenant names its queues (task types) itself, so their lines are bounded: once there are more than
 * {@code mostLines}, lines nobody waits on and whose empty proof has expired (they hold nothing worth keeping) are
 * dropped.
 */
public final class QueueSignals {

    /**
     * The other server nodes' pollers: told of the queuings this node's pollers could not all take, and of the queues
     * this node's pollers wait on, so that a task queued on one node wakes a poller waiting on another.
     */
    public interface Peers {
        /** Tasks were queued in a queue, {@code count} of them more than this node's waiting pollers took. */
        void queued(String tenant, String queue, int count);

        /** A poller of this node waits on a queue it found empty. */
        void waiting(String tenant, String queue);
    }

    private static final Peers ALONE = new Peers() {
        @Override
        public void queued(String tenant, String queue, int count) {
        }

        @Override
        public void waiting(String tenant, String queue) {
        }
    };

    private volatile Peers peers = ALONE;
    private volatile boolean draining;

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

    /** Connects this node's pollers with other nodes'. */
    public void connect(Peers others) {
        this.peers = others;
    }

    /** Tells {@code listener} (tenant, queue) whenever tasks are queued, besides waking pollers. */
    public void listen(BiConsumer<String, String> listener) {
        listeners.add(listener);
    }

    /** Registers the calling thread as a waiter of the queue, that nobody may hand tasks to; close it when done. */
    public Waiter register(String tenant, String queue) {
        return register(tenant, queue, null, 0);
    }

    /**
     * Registers the calling thread as a waiter of the queue, polling for {@code workerId} up to {@code count} tasks,
     * which a queuing transaction may hand it directly; close it when done.
     */
    public Waiter register(String tenant, String queue, String workerId, int count) {
        Waiter waiter = new Waiter(key(tenant, queue), Thread.currentThread(), workerId, count);
        join(waiter);
        int size = lines.size();
        int above = dropAbove.get();
        if (size > above && dropAbove.compareAndSet(above, Integer.MAX_VALUE)) {
            dropIdleLines();
        }
        return waiter;
    }

    /** Puts {@code waiter} at the end of its queue's line, made anew if it was dropped meanwhile. */
    private void join(Waiter waiter) {
        // inside the map's update, so a line is never dropped between being found and being joined
        lines.compute(waiter.key, (k, found) -> {
            Line line = found != null ? found : new Line();
            waiter.line = line;
            line.waiters.addLast(waiter);
            return line;
        });
    }

    /**
     * Takes a poller that waits on {@code queue} while it is known to be empty, so that a transaction queuing tasks
     * there can hand them to it; null when there is none. The claimer must {@linkplain Waiter#hand hand} it tasks
     * after committing or {@linkplain Waiter#release release} it, whatever happens.
     */
    public Waiter claim(String tenant, String queue) {
        Line line = lines.get(key(tenant, queue));
        if (line == null || !line.knownEmpty()) {
            return null;
        }
        for (Waiter w : line.waiters) {
            if (w.count > 0 && w.state.compareAndSet(PARKED, CLAIMED)) {
                line.waiters.removeFirstOccurrence(w);
                return w;
            }
        }
        return null;
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

    /** Wakes up to {@code count} pollers waiting on the queue; tells other nodes of those it could not wake. */
    public void signal(String tenant, String queue, int count) {
        int woken = wakeHere(tenant, queue, count);
        if (woken < count) {
            peers.queued(tenant, queue, count - woken);
        }
    }

    /** Wakes up to {@code count} of this node's pollers for tasks another node queued. */
    public void signalFromPeer(String tenant, String queue, int count) {
        wakeHere(tenant, queue, count);
    }

    private int wakeHere(String tenant, String queue, int count) {
        for (BiConsumer<String, String> listener : listeners) {
            listener.accept(tenant, queue);
        }
        Line line = lines.get(key(tenant, queue));
        if (line == null) {
            return 0;
        }
        line.version.incrementAndGet();
        int woken = 0;
        while (woken < count) {
            Waiter w = line.waiters.pollFirst();
            if (w == null) {
                return woken;
            }
            if (w.wake()) {
                woken++;
            }
        }
        return woken;
    }

    private static String key(String tenant, String queue) {
        return tenant + '\u0000' + queue;
    }

    private void announceWaiting(String key) {
        int split = key.indexOf('\u0000');
        peers.waiting(key.substring(0, split), key.substring(split + 1));
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

        /** Seen empty lately, and nothing queued since. */
        boolean knownEmpty() {
            return emptyTrustNanos > 0 && emptyAtVersion == version.get()
                    && System.nanoTime() - emptySeenAt < emptyTrustNanos;
        }
    }

    /** Looking at the database, or about to: it may be woken, not claimed. */
    private static final int LOOKING = 0;
    /** Waiting after an empty look: it may be woken or claimed. */
    private static final int PARKED = 1;
    private static final int WOKEN = 2;
    /** Held by a transaction that queues tasks for it, until that transaction ends. */
    private static final int CLAIMED = 3;
    private static final int HANDED = 4;

    /**
     * How long a claimed waiter waits for its claimer at most: a transaction always ends, and its end hands or
     * releases the waiter; this only bounds the damage of a claimer that never does.
     */
    private static final long CLAIM_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(2);

    /** One poller's place in a queue's line of waiters. */
    /**
     * The node is stopping: parked pollers give up waiting (within a second) and return what they have, nothing, so
     * that their requests end before the web server's graceful shutdown does, and later polls look once without
     * parking.
     */
    public void drain() {
        draining = true;
    }

    /** Parks pollers again after {@link #drain} (a node started again in the same process). */
    public void resume() {
        draining = false;
    }

    public final class Waiter implements AutoCloseable {
        private final String key;
        private final Thread thread;
        private final String workerId;
        private final int count;
        private final AtomicInteger state = new AtomicInteger(LOOKING);
        private volatile Line line;
        private volatile List<Task> handed = List.of();

        private Waiter(String key, Thread thread, String workerId, int count) {
            this.key = key;
            this.thread = thread;
            this.workerId = workerId;
            this.count = count;
        }

        /** The worker this poller polls for. */
        public String workerId() {
            return workerId;
        }

        /** How many tasks this poller asked for. */
        public int count() {
            return count;
        }

        /** The queue's version now: read it before looking at the database, and report an empty look with it. */
        public long version() {
            return line.version.get();
        }

        /** A look that began at {@code version} found fewer tasks than it asked for. */
        public void sawEmpty(long version) {
            Line l = line;
            l.emptySeenAt = System.nanoTime();
            l.emptyAtVersion = version;
        }

        /** Whether the queue is known to be empty: seen so lately, and nothing queued since. */
        public boolean knownEmpty() {
            return line.knownEmpty();
        }

        /**
         * Waits until woken, handed tasks, or {@code nanos} pass; returns whether it was woken or handed tasks (then
         * {@link #handed} has them).
         */
        public boolean await(long nanos) {
            handed = List.of();
            if (!state.compareAndSet(LOOKING, PARKED)) {
                return true; // woken while it looked
            }
            announceWaiting(key);
            long deadline = System.nanoTime() + nanos;
            long claimedUntil = 0;
            while (true) {
                int s = state.get();
                if (s == WOKEN || s == HANDED) {
                    return true;
                }
                long now = System.nanoTime();
                if (s == CLAIMED) {
                    claimedUntil = claimedUntil == 0 ? now + CLAIM_LIMIT_NANOS : claimedUntil;
                    if (now - claimedUntil >= 0 && state.compareAndSet(CLAIMED, LOOKING)) {
                        return false;
                    }
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
                    continue;
                }
                long left = deadline - now;
                if (left <= 0 || draining || Thread.currentThread().isInterrupted()) {
                    if (state.compareAndSet(PARKED, LOOKING)) {
                        return false;
                    }
                    continue; // claimed or woken at the last moment
                }
                LockSupport.parkNanos(this, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
        }

        /** The tasks a transaction handed this poller, once {@link #await} returned; empty when it was only woken. */
        public List<Task> handed() {
            return handed;
        }

        /** Gives a claimed poller the tasks its claimer queued for it, after the claimer committed. */
        public void hand(List<Task> tasks) {
            handed = List.copyOf(tasks);
            if (state.compareAndSet(CLAIMED, HANDED)) {
                LockSupport.unpark(thread);
            } else {
                handed = List.of(); // it stopped waiting for this claimer; the tasks time out and are retried
            }
        }

        /** Lets a claimed poller go when its claimer rolled back: it looks at the database again. */
        public void release() {
            if (state.compareAndSet(CLAIMED, WOKEN)) {
                LockSupport.unpark(thread);
            }
        }

        /** Woken by a queuing: true unless it was claimed or handed meanwhile. */
        private boolean wake() {
            while (true) {
                int s = state.get();
                if (s != LOOKING && s != PARKED) {
                    return false;
                }
                if (state.compareAndSet(s, WOKEN)) {
                    LockSupport.unpark(thread);
                    return true;
                }
            }
        }

        /** Takes a fresh place at the end of the line after being woken without getting a task. */
        public void rejoin() {
            state.set(LOOKING);
            // the wake took it out of the line, which may have been dropped since
            line.waiters.removeFirstOccurrence(this);
            join(this);
        }

        @Override
        public void close() {
            line.waiters.remove(this);
        }
    }
}
