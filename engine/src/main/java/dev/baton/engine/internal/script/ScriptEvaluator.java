package dev.baton.engine.internal.script;

import com.sun.management.ThreadMXBean;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.tenancy.TenantId;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

/**
 * Evaluates user JavaScript (INLINE tasks, SWITCH and loop conditions) in a GraalJS sandbox.
 *
 * <p>A script sees only {@code $}, a copy of its input made from JSON: no host classes, files, network, threads,
 * processes or environment. It runs on a {@link SandboxPool} thread (a platform thread, never a virtual-thread
 * carrier). A watchdog stops a script that runs longer than its time budget or allocates more than its memory
 * budget (bytes allocated by its thread): it dooms the thread through {@link CancelGuard}, which the script cannot
 * catch, and cancels the context for code that runs no statements (a backtracking regular expression). Strings and
 * typed arrays are capped by GraalJS itself so a single allocation cannot pass the budget unnoticed.
 */
public final class ScriptEvaluator implements AutoCloseable {

    private final Engine engine;
    private final CancelGuard.Doom doom;
    private final JsonCodec json;
    private final SandboxPool pool;
    private final Duration timeLimit;
    private final long allocationLimitBytes;
    // The watchdog only flags, dooms and hands cancellation to the canceller: it never blocks on a script.
    private final ScheduledExecutorService watchdog =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "script-watchdog"));
    private final ExecutorService canceller = Executors.newCachedThreadPool(r -> daemon(r, "script-canceller"));
    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    public ScriptEvaluator(JsonCodec json, SandboxPool pool, Duration timeLimit, long allocationLimitBytes) {
        this.json = json;
        this.pool = pool;
        this.timeLimit = timeLimit;
        this.allocationLimitBytes = allocationLimitBytes;
        this.engine = Engine.newBuilder("js")
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        this.doom = engine.getInstruments().get(CancelGuard.ID).lookup(CancelGuard.Doom.class);
        warmUp();
    }

    /** The engine's first evaluation takes over a second; it must not count against a tenant's time limit. */
    private void warmUp() {
        try (Context context = sandbox()) {
            context.eval("js", "JSON.stringify(JSON.parse('{\"a\":[1,2]}')).length + [3].map(x => x * 2)[0]");
        }
    }

    /** Evaluates {@code script} with {@code $} bound to {@code input}; returns the value of its last statement. */
    public Object evaluate(TenantId tenant, String script, Map<String, Object> input) {
        String inputJson = json.write(input);
        try {
            return pool.run(tenant, timeLimit, () -> evaluateHere(script, inputJson));
        } catch (SandboxPool.SandboxBusyException | SandboxPool.SandboxTimeoutException e) {
            throw new ScriptException("script " + e.getMessage());
        }
    }

    private Object evaluateHere(String script, String inputJson) {
        Thread self = Thread.currentThread();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        Context context = sandbox();
        Watch watch = new Watch(self, context, allocatedBefore, System.nanoTime() + timeLimit.toNanos());
        ScheduledFuture<?> guard = watchdog.scheduleAtFixedRate(watch::check, 5, 5, TimeUnit.MILLISECONDS);
        try {
            context.getBindings("js").putMember("__input", inputJson);
            context.eval("js", "var $ = JSON.parse(__input); delete globalThis.__input;");
            Value result = context.eval(Source.create("js", script));
            Object plain = toPlain(context, result);
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            if (allocated > allocationLimitBytes) {
                throw new ScriptException(overAllocation());
            }
            return plain;
        } catch (PolyglotException | IllegalStateException e) {
            String verdict = watch.verdict();
            throw new ScriptException(verdict != null ? verdict
                    : e instanceof PolyglotException polyglot ? describe(polyglot) : e.getMessage());
        } finally {
            guard.cancel(false);
            watch.end();
            doom.pardon(self);
            try {
                context.close();
            } catch (RuntimeException alreadyClosing) {
                // the canceller closes it
            }
        }
    }

    /** Throws a {@link ScriptException} naming the error when {@code script} is not valid JavaScript. */
    public void checkSyntax(String script) {
        try (Context context = sandbox()) {
            context.parse(Source.create("js", script));
        } catch (PolyglotException e) {
            throw new ScriptException(describe(e));
        }
    }

    private Context sandbox() {
        return Context.newBuilder("js")
                .engine(engine)
                .allowHostAccess(HostAccess.NONE)
                .allowHostClassLookup(name -> false)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                // the two options below are marked experimental; they only lower GraalJS's own caps
                .option("js.java-package-globals", "false")
                .allowExperimentalOptions(true)
                .option("js.string-length-limit", String.valueOf(Math.max(1024, allocationLimitBytes / 4)))
                .option("js.max-typed-array-length", String.valueOf(Math.max(1024, allocationLimitBytes / 8)))
                .build();
    }

    private Object toPlain(Context context, Value result) {
        if (result == null || result.isNull()) {
            return null;
        }
        if (result.isBoolean()) {
            return result.asBoolean();
        }
        if (result.isString()) {
            return result.asString();
        }
        if (result.isNumber()) {
            return result.fitsInLong() ? (Object) result.asLong() : (Object) result.asDouble();
        }
        Value text = context.eval("js", "(v) => JSON.stringify(v)").execute(result);
        if (text.isNull()) {
            return null;
        }
        return json.read(text.asString(), Object.class);
    }

    private String overAllocation() {
        return "script allocated more than " + allocationLimitBytes / (1024 * 1024) + " MiB";
    }

    private static String describe(PolyglotException e) {
        if (e.isInternalError() || e.isCancelled() || e.isInterrupted()) {
            return "script was stopped";
        }
        String location = e.getSourceLocation() == null ? "" : " (line " + e.getSourceLocation().getStartLine() + ")";
        return e.getMessage() + location;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        canceller.shutdownNow();
        engine.close(true);
    }

    /** The watchdog's view of one evaluation; its lock orders a doom before the evaluation's pardon. */
    private final class Watch {
        private final Thread thread;
        private final Context context;
        private final long allocatedBefore;
        private final long deadline;
        private String verdict;
        private boolean ended;

        Watch(Thread thread, Context context, long allocatedBefore, long deadline) {
            this.thread = thread;
            this.context = context;
            this.allocatedBefore = allocatedBefore;
            this.deadline = deadline;
        }

        synchronized void check() {
            if (ended || verdict != null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                verdict = "script ran longer than " + timeLimit.toMillis() + " ms";
            } else if (threads.getThreadAllocatedBytes(thread.threadId()) - allocatedBefore > allocationLimitBytes) {
                verdict = overAllocation();
            } else {
                return;
            }
            doom.doom(thread);
            canceller.execute(() -> {
                try {
                    context.close(true);
                } catch (RuntimeException ignored) {
                    // closed already, or the pool abandons the thread
                }
            });
        }

        synchronized String verdict() {
            return verdict;
        }

        synchronized void end() {
            ended = true;
        }
    }

    /** A script that did not parse, failed, or ran over its budget. */
    public static final class ScriptException extends RuntimeException {
        public ScriptException(String message) {
            super(message);
        }
    }
}
