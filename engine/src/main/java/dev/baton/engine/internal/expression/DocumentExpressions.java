package dev.baton.engine.internal.expression;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.Expressions;
import dev.baton.engine.internal.script.ScriptEvaluator;
import dev.baton.tenancy.TenantId;
import java.util.Map;

/** {@link Expressions} over the engine's script sandbox and parameter resolver. */
public final class DocumentExpressions implements Expressions {

    private final ScriptEvaluator scripts;
    private final ParameterResolver parameters = new ParameterResolver();

    public DocumentExpressions(ScriptEvaluator scripts) {
        this.scripts = scripts;
    }

    @Override
    public Object evaluate(TenantId tenant, String script, Map<String, Object> document, String field) {
        try {
            return scripts.evaluate(tenant, script, document);
        } catch (ScriptEvaluator.ScriptException e) {
            throw EngineException.invalid(field, e.getMessage());
        }
    }

    @Override
    public void checkScript(String script, String field) {
        try {
            scripts.checkSyntax(script);
        } catch (ScriptEvaluator.ScriptException e) {
            throw EngineException.invalid(field, e.getMessage());
        }
    }

    @Override
    public Map<String, Object> resolve(Map<String, Object> template, Object document) {
        return parameters.resolveAgainst(template, document);
    }
}
