package dev.baton.engine.internal.script;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

/**
 * The budget of the jq evaluation running on the current thread: a deadline and a cap on bytes allocated.
 *
 * <p>jackson-jq never looks at interrupts, so {@link JqGuards} calls {@link #tick()} from every node of a query and
 * every value it emits. Once exceeded, a budget stays exceeded: every later tick throws again, so a query that
 * somehow survives one throw cannot go on.
 */
final class JqBudget {

    private static final ThreadLocal<JqBudget> CURRENT = new ThreadLocal<>();
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long deadline;
    private final long allocatedBefore;
    private final long allocationLimit;
    private final long timeLimitMillis;
    private String exceeded;

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

    /** Throws {@link JqBudgetExceeded} when the current thread's budget is spent. */
    static void tick() {
        JqBudget budget = CURRENT.get();
        if (budget != null) {
            budget.check();
        }
    }

    /** The bytes the current evaluation may still allocate, or Long.MAX_VALUE outside an evaluation. */
    static long remainingBytes() {
        JqBudget budget = CURRENT.get();
        return budget == null ? Long.MAX_VALUE : budget.allocationLimit - budget.allocated();
    }

    /** Checks the budget now, whatever the tick count (after the query's last value). */
    static void checkNow() {
        JqBudget budget = CURRENT.get();
        if (budget != null) {
            budget.measure();
        }
    }

    private void check() {
        if (exceeded != null) {
            throw new JqBudgetExceeded(exceeded);
        }
        // Every tick, not every n-th: one step of a query (". + ." on a big array) can cost as much as the budget.
        measure();
    }

    private void measure() {
        if (System.nanoTime() > deadline) {
            exceeded = "jq query ran longer than " + timeLimitMillis + " ms";
        } else if (allocated() > allocationLimit) {
            exceeded = "jq query allocated more than " + allocationLimit / (1024 * 1024) + " MiB";
        }
        if (exceeded != null) {
            throw new JqBudgetExceeded(exceeded);
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
