package dev.baton.coordination;

import dev.baton.engine.spi.LeaderElection;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;

/**
 * Leaders through Redis locks: the thread that asks for a role takes its lock, which Redisson's watchdog keeps alive
 * while this node runs and lets expire (30 s) when it dies, for another node to take.
 */
public final class RedisLeaderElection implements LeaderElection {

    private final RedissonClient redis;
    private final String prefix;
    /** The thread that asked for each role, which holds its lock when it has it. */
    private final java.util.Map<String, Long> askedBy = new java.util.concurrent.ConcurrentHashMap<>();

    public RedisLeaderElection(RedissonClient redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public boolean holds(String role) {
        RLock lock = redis.getLock(prefix + "leader:" + role);
        askedBy.put(role, Thread.currentThread().threadId());
        try {
            return lock.isHeldByCurrentThread() || lock.tryLock();
        } catch (RuntimeException unreachable) {
            return false;
        }
    }

    @Override
    public java.util.List<String> held() {
        return askedBy.entrySet().stream()
                .filter(e -> redis.getLock(prefix + "leader:" + e.getKey()).isHeldByThread(e.getValue()))
                .map(java.util.Map.Entry::getKey).sorted().toList();
    }

    @Override
    public void close() {
        // locks held by this node's threads lapse when the client shuts down
    }
}
