package dev.baton.engine.internal.script;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

/**
 * The budget of the jq evaluation running on the current thread: a deadline and a cap on bytes allocated.
 *
 * <p>jackson-jq never looks at interrupts, so {@link JqGuards} calls {@link #tick()} from every node of a query and
 * every value it emits. Time and allocated bytes only grow, so once exceeded a budget stays exceeded: every later
 * tick throws again, and a query that somehow survives one throw cannot go on.
 */
final class JqBudget {

    private static final ThreadLocal<JqBudget> CURRENT = new ThreadLocal<>();
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long deadline;
    private final long allocatedBefore;
    private final long allocationLimit;
    private final long timeLimitMillis;

    private JqBudget(long timeLimitMillis, long allocationLimit) {
        this.timeLimitMillis = timeLimitMillis;
        this.deadline = System.nanoTime() + timeLimitMillis * 1_000_000;
        this.allocationLimit = allocationLimit;
        this.allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Starts a budget for the current thread; {@link #end()} removes it. */
    static void start(long timeLimitMillis, long allocationLimit) {
        CURRENT.set(new JqBudget(timeLimitMillis, allocationLimit));
    }

    static void end() {
        CURRENT.remove();
    }

    /**
     * Throws {@link JqBudgetExceeded} when the current thread's budget is spent. Measured at every tick, not every
     * n-th: one step of a query ({@code . + .} on a big array) can cost as much as the whole budget.
     */
    static void tick() {
        JqBudget budget = CURRENT.get();
        if (budget != null) {
            budget.measure();
        }
    }

    /** The bytes the current evaluation may still allocate, or Long.MAX_VALUE outside an evaluation. */
    static long remainingBytes() {
        JqBudget budget = CURRENT.get();
        return budget == null ? Long.MAX_VALUE : budget.allocationLimit - budget.allocated();
    }

    private void measure() {
        if (System.nanoTime() > deadline) {
            throw new JqBudgetExceeded("jq query ran longer than " + timeLimitMillis + " ms");
        }
        if (allocated() > allocationLimit) {
            throw new JqBudgetExceeded("jq query allocated more than " + allocationLimit / (1024 * 1024) + " MiB");
        }
    }

    private long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
    }

    /** Not a JsonQueryException, so jq's {@code try} and {@code ?} cannot catch it. */
    static final class JqBudgetExceeded extends RuntimeException {
        JqBudgetExceeded(String message) {
            super(message, null, false, false);
        }
    }
}
