package dev.baton.engine.internal.script;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * Runs jq queries (JSON_JQ_TRANSFORM) with jackson-jq.
 *
 * <p>jackson-jq works on Jackson 2 trees, so values cross into Jackson 2 only here. Queries are compiled once,
 * guarded ({@link JqGuards}) and cached. Each run happens on a {@link SandboxPool} thread under a {@link JqBudget}
 * of time and allocated bytes, and may emit at most {@value #MAX_RESULTS} results.
 */
public final class JqEvaluator {

    private static final int MAX_RESULTS = 10_000;
    private static final int MAX_CACHED_QUERIES = 4_096;
    /** Longer queries are compiled at each use: a query can come from task input, of any size up to a request's. */
    static final int MAX_CACHED_QUERY_LENGTH = 4_096;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Scope rootScope = Scope.newEmptyScope();
    private final Map<String, JsonQuery> compiled = new ConcurrentHashMap<>();
    private final SandboxPool pool;
    private final Duration timeLimit;
    private final long allocationLimitBytes;

    public JqEvaluator(SandboxPool pool, Duration timeLimit, long allocationLimitBytes) {
        this.pool = pool;
        this.timeLimit = timeLimit;
        this.allocationLimitBytes = allocationLimitBytes;
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, rootScope);
        JqGuards.guardBuiltins(rootScope);
    }

    /** Compiles {@code query}, throwing {@link JqException} with jq's message when it is malformed. */
    public JsonQuery compile(String query) {
        JsonQuery cached = compiled.get(query);
        if (cached != null) {
            return cached;
        }
        JsonQuery fresh;
        try {
            fresh = JsonQuery.compile(query, Versions.JQ_1_6);
        } catch (JsonQueryException e) {
            throw new JqException("malformed jq query: " + e.getMessage());
        } catch (StackOverflowError e) {
            throw new JqException("malformed jq query: nested too deeply");
        }
        JqGuards.guard(fresh);
        if (query.length() <= MAX_CACHED_QUERY_LENGTH) {
            if (compiled.size() >= MAX_CACHED_QUERIES) {
                compiled.clear(); // tenants can write any number of distinct queries; the cache must not grow with them
            }
            compiled.put(query, fresh);
        }
        return fresh;
    }

    /** How many compiled queries are kept. */
    int cachedQueries() {
        return compiled.size();
    }

    /** Every result of {@code query} applied to {@code input}, as plain maps, lists and scalars. */
    public List<Object> apply(TenantId tenant, String query, Object input) {
        JsonQuery q = compile(query);
        JsonNode in = mapper.valueToTree(input);
        try {
            return pool.run(tenant, timeLimit, () -> applyHere(q, in));
        } catch (SandboxPool.SandboxBusyException | SandboxPool.SandboxTimeoutException e) {
            throw new JqException("jq query " + e.getMessage());
        }
    }

    private List<Object> applyHere(JsonQuery q, JsonNode in) {
        JqBudget.start(timeLimit.toMillis(), allocationLimitBytes);
        try {
            List<Object> out = new ArrayList<>();
            q.apply(Scope.newChildScope(rootScope), in, node -> {
                if (out.size() >= MAX_RESULTS) {
                    throw new JqBudget.JqBudgetExceeded("jq query emitted more than " + MAX_RESULTS + " results");
                }
                out.add(mapper.convertValue(node, Object.class));
            });
            JqBudget.tick();
            return out;
        } catch (JsonQueryException e) {
            throw new JqException(e.getMessage());
        } catch (JqBudget.JqBudgetExceeded e) {
            throw new JqException(e.getMessage());
        } catch (StackOverflowError e) {
            throw new JqException("jq query recursed too deeply");
        } catch (OutOfMemoryError e) {
            throw new JqException("jq query ran out of memory");
        } finally {
            JqBudget.end();
        }
    }

    /** A jq query that did not compile or failed when run. */
    public static final class JqException extends RuntimeException {
        public JqException(String message) {
            super(message);
        }
    }
}
