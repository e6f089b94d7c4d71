package dev.baton.coordination;

import dev.baton.tenancy.RequestRates;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;

/**
 * A tenant's API request rate as a Redis rate limiter every node shares: a token bucket of its rate per second,
 * named with the rate so a changed quota starts afresh; idle ones expire after an hour.
 */
public final class RedisRequestRates implements RequestRates {

    private static final Duration KEEP_IDLE = Duration.ofHours(1);

    private final RedissonClient redis;
    private final String prefix;

    public RedisRequestRates(RedissonClient redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public boolean tryAcquire(TenantId tenant, int perSecond) {
        RRateLimiter limiter = redis.getRateLimiter(prefix + "requests:{" + tenant.value() + "}:" + perSecond);
        limiter.trySetRate(RateType.OVERALL, perSecond, Duration.ofSeconds(1), KEEP_IDLE);
        return limiter.tryAcquire();
    }
}
