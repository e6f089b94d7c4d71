package dev.baton.engine.internal.script;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * Runs jq queries (JSON_JQ_TRANSFORM) with jackson-jq.
 *
 * <p>jackson-jq works on Jackson 2 trees, so values cross into Jackson 2 only here. Queries are compiled once and
 * cached; each run is bounded in time and in the number of results it may emit.
 */
public final class JqEvaluator implements AutoCloseable {

    private static final int MAX_RESULTS = 10_000;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Scope rootScope = Scope.newEmptyScope();
    private final Map<String, JsonQuery> compiled = new ConcurrentHashMap<>();
    private final Duration timeLimit;
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jq-runner");
        t.setDaemon(true);
        return t;
    });

    public JqEvaluator(Duration timeLimit) {
        this.timeLimit = timeLimit;
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, rootScope);
    }

    /** Compiles {@code query}, throwing {@link JqException} with jq's message when it is malformed. */
    public JsonQuery compile(String query) {
        return compiled.computeIfAbsent(query, q -> {
            try {
                return JsonQuery.compile(q, Versions.JQ_1_6);
            } catch (JsonQueryException e) {
                throw new JqException("malformed jq query: " + e.getMessage());
            }
        });
    }

    /** Every result of {@code query} applied to {@code input}, as plain maps, lists and scalars. */
    public List<Object> apply(String query, Object input) {
        JsonQuery q = compile(query);
        JsonNode in = mapper.valueToTree(input);
        Future<List<Object>> run = runner.submit(() -> {
            List<Object> out = new ArrayList<>();
            q.apply(Scope.newChildScope(rootScope), in, node -> {
                if (out.size() >= MAX_RESULTS) {
                    throw new JsonQueryException("query emitted more than " + MAX_RESULTS + " results");
                }
                out.add(mapper.convertValue(node, Object.class));
            });
            return out;
        });
        try {
            return run.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new JqException("jq query ran longer than " + timeLimit.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new JqException(cause instanceof StackOverflowError ? "jq query recursed too deeply" : cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JqException("interrupted");
        }
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }

    /** A jq query that did not compile or failed when run. */
    public static final class JqException extends RuntimeException {
        public JqException(String message) {
            super(message);
        }
    }
}
