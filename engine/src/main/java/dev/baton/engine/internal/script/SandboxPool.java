package dev.baton.engine.internal.script;

import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantPermits;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tenant-supplied code (JavaScript, jq) on a small, bounded set of platform threads.
 *
 * <p>Never on the virtual-thread carriers: a script that spins there takes a carrier from every request. At most
 * {@code threads} evaluations run at once, and at most {@code perTenant} of them for one tenant, so one tenant's
 * scripts cannot take the whole pool. A caller waits for a slot at most {@code slotWait}. An evaluation that has
 * not ended {@code grace} after its own time limit (its guards failed to stop it) is abandoned: its slots are
 * freed for new threads and the stuck thread is left to end by itself, counted in {@link #abandoned()}.
 */
public final class SandboxPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SandboxPool.class);

    private final int threads;
    private final TenantPermits tenantSlots;
    private final Duration slotWait;
    private final Duration grace;
    private final Semaphore slots;
    private final AtomicInteger abandoned = new AtomicInteger();
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ExecutorService executor;

    public SandboxPool(int threads, int perTenant, Duration slotWait, Duration grace, long stackSizeBytes) {
        if (threads < 1 || perTenant < 1) {
            throw new IllegalArgumentException("sandbox threads and per-tenant slots must be at least 1");
        }
        this.threads = threads;
        this.tenantSlots = new TenantPermits(Math.min(perTenant, threads));
        this.slotWait = slotWait;
        this.grace = grace;
        this.slots = new Semaphore(threads, true);
        // A cached pool: concurrency is bounded by the semaphores, and an abandoned thread must not keep a slot.
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(null, r, "sandbox-" + threadNumber.incrementAndGet(), stackSizeBytes);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code job} for {@code tenant} on a sandbox thread and returns its result. The job enforces
     * {@code timeLimit} itself; the pool abandons it {@code grace} later.
     *
     * @throws SandboxBusyException when no slot of the tenant or of the pool frees within the slot wait
     * @throws SandboxTimeoutException when the job had to be abandoned
     */
    public <T> T run(TenantId tenant, Duration timeLimit, Callable<T> job) {
        long waitUntil = System.nanoTime() + slotWait.toNanos();
        if (!tenantSlots.acquire(tenant, slotWait)) {
            throw new SandboxBusyException("all " + tenantSlots.perTenant() + " script slots of this tenant stayed "
                    + "busy for " + slotWait.toMillis() + " ms");
        }
        if (!acquire(slots, waitUntil)) {
            tenantSlots.release(tenant);
            throw new SandboxBusyException("all " + threads + " script threads stayed busy for "
                    + slotWait.toMillis() + " ms");
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
                tenantSlots.release(tenant);
            }
        };
        Future<T> future;
        try {
            future = executor.submit(() -> {
                try {
                    return job.call();
                } finally {
                    release.run();
                }
            });
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        return await(future, timeLimit, release);
    }

    private <T> T await(Future<T> future, Duration timeLimit, Runnable release) {
        try {
            return future.get(timeLimit.plus(grace).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            release.run();
            int count = abandoned.incrementAndGet();
            log.error("A sandboxed evaluation did not stop {} ms after its time limit; abandoned its thread "
                    + "({} abandoned so far)", grace.toMillis(), count);
            throw new SandboxTimeoutException("ran longer than " + timeLimit.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new SandboxBusyException("interrupted while waiting for the script");
        }
    }

    private static boolean acquire(Semaphore semaphore, long untilNanos) {
        try {
            return semaphore.tryAcquire(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** How many evaluations were abandoned because they did not stop. */
    public int abandoned() {
        return abandoned.get();
    }

    /** How many evaluations of {@code tenant} hold a slot now. */
    public int inUse(TenantId tenant) {
        return tenantSlots.inUse(tenant);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** No sandbox slot freed in time. */
    public static final class SandboxBusyException extends RuntimeException {
        public SandboxBusyException(String message) {
            super(message);
        }
    }

    /** An evaluation that outlived its time limit and had to be abandoned. */
    public static final class SandboxTimeoutException extends RuntimeException {
        public SandboxTimeoutException(String message) {
            super(message);
        }
    }
}
