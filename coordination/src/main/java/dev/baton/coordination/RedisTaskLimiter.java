package dev.baton.coordination;

import dev.baton.engine.spi.TaskLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;

/**
 * Task limits held in Redis through Redisson, shared by every node: {@code concurrentExecLimit} as an expirable
 * semaphore per tenant and type (a permit per running task, leased for its response timeout and given back when it
 * stops), {@code rateLimitPerFrequency} as a rate limiter per tenant and type. Both are named with their limit, so a
 * changed definition starts afresh instead of resizing what running tasks hold.
 *
 * <p>A permit reference is the semaphore's name and the permit's id, so whatever ends a task can give it back
 * without knowing its tenant or limits.
 */
public final class RedisTaskLimiter implements TaskLimiter {

    private static final char SEPARATOR = '|';

    private final RedissonClient redis;
    private final String prefix;

    /** @param prefix the keys' common prefix, so several installations may share one Redis */
    public RedisTaskLimiter(RedissonClient redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public List<String> admit(String tenant, String taskType, Limits limits, int wanted) {
        List<String> permits = new ArrayList<>();
        String base = prefix + "limits:{" + tenant + ":" + taskType + "}";
        RPermitExpirableSemaphore running = null;
        String runningName = base + ":running:" + limits.concurrency();
        if (limits.concurrency() > 0) {
            running = redis.getPermitExpirableSemaphore(runningName);
            running.trySetPermits(limits.concurrency());
        }
        RRateLimiter rate = null;
        if (limits.perWindow() > 0) {
            rate = redis.getRateLimiter(base + ":rate:" + limits.perWindow() + "/" + limits.windowSeconds());
            rate.trySetRate(RateType.OVERALL, limits.perWindow(), Duration.ofSeconds(limits.windowSeconds()));
        }
        for (int i = 0; i < wanted; i++) {
            String permit = null;
            if (running != null) {
                try {
                    permit = running.tryAcquire(0, Math.max(1, limits.leaseSeconds()), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (permit == null) {
                    break;
                }
            }
            if (rate != null && !rate.tryAcquire()) {
                if (permit != null) {
                    running.tryRelease(permit);
                }
                break;
            }
            permits.add(permit == null ? null : runningName + SEPARATOR + permit);
        }
        return permits;
    }

    @Override
    public void release(List<String> permits) {
        for (String permit : permits) {
            if (permit != null) {
                int at = permit.lastIndexOf(SEPARATOR);
                redis.getPermitExpirableSemaphore(permit.substring(0, at)).tryRelease(permit.substring(at + 1));
            }
        }
    }

    @Override
    public void extend(String permit, long leaseSeconds) {
        int at = permit.lastIndexOf(SEPARATOR);
        redis.getPermitExpirableSemaphore(permit.substring(0, at))
                .updateLeaseTime(permit.substring(at + 1), Math.max(1, leaseSeconds), TimeUnit.SECONDS);
    }
}
