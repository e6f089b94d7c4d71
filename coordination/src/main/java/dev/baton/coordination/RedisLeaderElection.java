package dev.baton.coordination;

import dev.baton.engine.spi.LeaderElection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaders through Redis locks, held by one election thread of this node: it tries every role asked about once a
 * second (a new role at once), so a role whose leader died is taken over within a second of its lock lapsing, however
 * rarely its job asks. Redisson's watchdog keeps a held lock alive while this node runs and lets it expire (30 s)
 * when the node dies; a node that closes gives its locks back at once.
 */
public final class RedisLeaderElection implements LeaderElection {

    private static final Logger log = LoggerFactory.getLogger(RedisLeaderElection.class);
    private static final Duration TRY_EVERY = Duration.ofSeconds(1);

    private final RedissonClient redis;
    private final String prefix;
    /** Every role asked about, and whether the election thread holds its lock (as of its last try). */
    private final Map<String, Boolean> roles = new ConcurrentHashMap<>();
    private final Semaphore wake = new Semaphore(0);
    /** Completed passes of the election thread over the roles. */
    private final AtomicLong passes = new AtomicLong();
    private final Thread elector;
    private volatile boolean closed;

    public RedisLeaderElection(RedissonClient redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
        this.elector = Thread.ofPlatform().daemon().name("redis-leader-election").start(this::elect);
    }

    @Override
    public boolean holds(String role) {
        Boolean leading = roles.get(role);
        if (leading == null) {
            // a new role is tried at once, so a single node leads from its first sweep
            long before = passes.get();
            roles.putIfAbsent(role, false);
            wake.release();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (passes.get() < before + 2 && System.nanoTime() < deadline && !closed) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            leading = roles.get(role);
        }
        return Boolean.TRUE.equals(leading);
    }

    @Override
    public List<String> held() {
        return roles.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).sorted().toList();
    }

    private void elect() {
        while (!closed) {
            for (String role : roles.keySet()) {
                RLock lock = redis.getLock(prefix + "leader:" + role);
                try {
                    roles.put(role, lock.isHeldByCurrentThread() || lock.tryLock());
                } catch (RuntimeException unreachable) {
                    // Redis away: this node leads nothing it cannot prove it holds
                    roles.put(role, false);
                }
            }
            passes.incrementAndGet();
            try {
                wake.tryAcquire(TRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                break;
            }
        }
        for (String role : roles.keySet()) {
            try {
                RLock lock = redis.getLock(prefix + "leader:" + role);
                if (lock.isHeldByCurrentThread()) {
                    lock.unlock();
                }
            } catch (RuntimeException e) {
                log.debug("the lock of {} lapses by itself: {}", role, e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        elector.interrupt();
        try {
            elector.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
