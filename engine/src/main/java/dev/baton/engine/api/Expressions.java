package dev.baton.engine.api;

import dev.baton.tenancy.TenantId;
import java.util.Map;

/**
 * The engine's expressions for code outside it that acts on documents (an event's payload): JavaScript conditions
 * in the tenant's sandbox, and {@code ${path}} references resolved against a document.
 */
public interface Expressions {

    /**
     * Evaluates JavaScript {@code script} with {@code $} bound to {@code document}, in {@code tenant}'s share of the
     * sandbox; throws EngineException (invalid, naming {@code field}) when it fails or runs out of time or memory.
     */
    Object evaluate(TenantId tenant, String script, Map<String, Object> document, String field);

    /** Throws EngineException (invalid, naming {@code field}) when {@code script} is not valid JavaScript. */
    void checkScript(String script, String field);

    /**
     * Resolves every {@code ${path}} in {@code template}'s values (nested ones included) against {@code document},
     * as Conductor reads them: a JSONPath from the document's root, with or without its leading {@code $.}.
     */
    Map<String, Object> resolve(Map<String, Object> template, Object document);
}
