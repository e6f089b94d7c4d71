package dev.baton.tenancy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A fair share of something scarce per tenant: at most {@code perTenant} permits held at once by one tenant, taken
 * with a bounded wait and given back by whoever finishes the work (not necessarily the thread that took it).
 */
public final class TenantPermits {

    private final int perTenant;
    private final Map<TenantId, Semaphore> permits = new ConcurrentHashMap<>();

    public TenantPermits(int perTenant) {
        this.perTenant = perTenant;
    }

    /** Takes one of {@code tenant}'s permits, waiting at most {@code wait}; false when none freed in time. */
    public boolean acquire(TenantId tenant, Duration wait) {
        try {
            return of(tenant).tryAcquire(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Gives back one of {@code tenant}'s permits. */
    public void release(TenantId tenant) {
        of(tenant).release();
    }

    /** How many of {@code tenant}'s permits are held now. */
    public int inUse(TenantId tenant) {
        Semaphore semaphore = permits.get(tenant);
        return semaphore == null ? 0 : perTenant - semaphore.availablePermits();
    }

    /** How many permits one tenant may hold at once. */
    public int perTenant() {
        return perTenant;
    }

    private Semaphore of(TenantId tenant) {
        return permits.computeIfAbsent(tenant, t -> new Semaphore(perTenant, true));
    }
}
