package dev.baton.engine.internal.script;

import com.sun.management.ThreadMXBean;
import dev.baton.engine.internal.json.JsonCodec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * processes or environment. A watchdog cancels a script that runs longer than its time budget or allocates more
 * than its memory budget (counted as bytes allocated by the evaluating thread, which bounds what it can retain).
 */
public final class ScriptEvaluator implements AutoCloseable {

    private final Engine engine;
    private final JsonCodec json;
    private final Duration timeLimit;
    private final long allocationLimitBytes;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "script-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    public ScriptEvaluator(JsonCodec json, Duration timeLimit, long allocationLimitBytes) {
        this.json = json;
        this.timeLimit = timeLimit;
        this.allocationLimitBytes = allocationLimitBytes;
        this.engine = Engine.newBuilder("js")
                .option("engine.WarnInterpreterOnly", "false")
                .build();
    }

    /** Evaluates {@code script} with {@code $} bound to {@code input}; returns the value of its last statement. */
    public Object evaluate(String script, Map<String, Object> input) {
        try (Context context = sandbox()) {
            Thread self = Thread.currentThread();
            long allocatedBefore = threads.getThreadAllocatedBytes(self.threadId());
            long deadline = System.nanoTime() + timeLimit.toNanos();
            AtomicReference<String> verdict = new AtomicReference<>();
            ScheduledFuture<?> guard = watchdog.scheduleAtFixedRate(() -> {
                if (System.nanoTime() > deadline) {
                    verdict.compareAndSet(null, "script ran longer than " + timeLimit.toMillis() + " ms");
                } else if (threads.getThreadAllocatedBytes(self.threadId()) - allocatedBefore > allocationLimitBytes) {
                    verdict.compareAndSet(null, "script allocated more than " + allocationLimitBytes / (1024 * 1024) + " MiB");
                }
                if (verdict.get() != null) {
                    context.close(true);
                }
            }, 5, 5, TimeUnit.MILLISECONDS);
            try {
                context.getBindings("js").putMember("__input", json.write(input));
                context.eval("js", "var $ = JSON.parse(__input); delete globalThis.__input;");
                Value result = context.eval(Source.create("js", script));
                return toPlain(context, result);
            } catch (PolyglotException e) {
                if (verdict.get() != null) {
                    throw new ScriptException(verdict.get());
                }
                throw new ScriptException(describe(e));
            } catch (IllegalStateException e) {
                throw new ScriptException(verdict.get() != null ? verdict.get() : e.getMessage());
            } finally {
                guard.cancel(false);
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

    private static String describe(PolyglotException e) {
        String location = e.getSourceLocation() == null ? "" : " (line " + e.getSourceLocation().getStartLine() + ")";
        return e.getMessage() + location;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        engine.close();
    }

    /** A script that did not parse, failed, or ran over its budget. */
    public static final class ScriptException extends RuntimeException {
        public ScriptException(String message) {
            super(message);
        }
    }
}
