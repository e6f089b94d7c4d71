package dev.baton.engine.internal.script;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.internal.script.JqBudget.JqBudgetExceeded;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.thisptr.jackson.jq.Expression;
import net.thisptr.jackson.jq.Function;
import net.thisptr.jackson.jq.PathOutput;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Version;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import net.thisptr.jackson.jq.internal.JsonQueryFunction;
import net.thisptr.jackson.jq.internal.operators.BinaryOperator;
import net.thisptr.jackson.jq.internal.tree.binaryop.MultiplyExpression;
import net.thisptr.jackson.jq.path.ArrayIndexPath;
import net.thisptr.jackson.jq.path.Path;

/**
 * Puts a {@link JqBudget} check into every node of a compiled jackson-jq query.
 *
 * <p>jackson-jq has no hook for this, so the compiled tree is rewritten by reflection once, when a query is
 * compiled: each {@link Expression} is wrapped so that evaluating it and each value it emits tick the budget. Two
 * single-step amplifiers get their own checks, because one step of them can allocate gigabytes before the next
 * tick: string repetition ({@code "x" * 1e9}) and writes to a huge array index ({@code .[1e9] = 1}, {@code
 * setpath([1e9]; 1)}, which pad the array with nulls).
 */
final class JqGuards {

    /** Array indexes above this are refused: writing one pads the array with that many nulls. */
    static final int MAX_ARRAY_INDEX = 1_000_000;

    private JqGuards() {
    }

    /** Rewrites the tree under {@code root} in place. */
    static void guard(Object root) {
        walk(root, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /** Guards the bodies of the jq-defined builtins and puts a checked {@code setpath/2} into {@code scope}. */
    static void guardBuiltins(Scope scope) {
        for (Map.Entry<String, Function> entry : scope.getLocalFunctions().entrySet()) {
            if (entry.getValue() instanceof JsonQueryFunction) {
                guard(entry.getValue());
            }
        }
        Function setpath = scope.getLocalFunctions().get("setpath/2");
        if (setpath != null) {
            scope.addFunction("setpath", 2, new CheckedSetPath(setpath));
        }
    }

    private static void walk(Object node, Set<Object> seen) {
        if (node == null || !seen.add(node) || !isJq(node.getClass())) {
            return;
        }
        for (Class<?> c = node.getClass(); c != null && isJq(c); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !Scope.class.isAssignableFrom(field.getType())) {
                    rewrite(node, field, seen);
                }
            }
        }
    }

    private static void rewrite(Object node, Field field, Set<Object> seen) {
        try {
            field.setAccessible(true);
            Object value = field.get(node);
            if (value instanceof Expression expression && !(value instanceof Guarded)) {
                walk(expression, seen);
                field.set(node, new Guarded(expression));
            } else if (value instanceof List<?> list) {
                List<Object> copy = new ArrayList<>(list.size());
                boolean changed = false;
                for (Object item : list) {
                    if (item instanceof Expression expression && !(item instanceof Guarded)) {
                        walk(expression, seen);
                        copy.add(new Guarded(expression));
                        changed = true;
                    } else {
                        walk(item, seen);
                        copy.add(item);
                    }
                }
                if (changed) {
                    field.set(node, copy);
                }
            } else if (value instanceof BinaryOperator operator && node instanceof MultiplyExpression) {
                field.set(node, new CheckedMultiply(operator));
            } else if (value != null) {
                walk(value, seen);
            }
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalStateException("cannot guard jq node " + node.getClass().getName() + "."
                    + field.getName(), e);
        }
    }

    private static boolean isJq(Class<?> c) {
        return c.getName().startsWith("net.thisptr.jackson.jq.");
    }

    private static void checkPath(Path path) {
        if (path instanceof ArrayIndexPath index && index.index != null) {
            checkIndex(index.index);
        }
    }

    private static void checkIndex(JsonNode index) {
        if (index.isNumber() && index.asDouble() > MAX_ARRAY_INDEX) {
            throw new JqBudgetExceeded("jq array index " + index.asText() + " is above " + MAX_ARRAY_INDEX);
        }
    }

    /** An expression whose evaluation and every emitted value tick the budget. */
    private record Guarded(Expression inner) implements Expression {
        @Override
        public void apply(Scope scope, JsonNode in, Path ipath, PathOutput output, boolean requirePath)
                throws JsonQueryException {
            JqBudget.tick();
            inner.apply(scope, in, ipath, (value, path) -> {
                JqBudget.tick();
                checkPath(path);
                output.emit(value, path);
            }, requirePath);
        }

        @Override
        public String toString() {
            return inner.toString();
        }
    }

    /** {@code string * n} refused when the result would not fit the remaining budget. */
    private record CheckedMultiply(BinaryOperator inner) implements BinaryOperator {
        @Override
        public JsonNode apply(ObjectMapper mapper, JsonNode lhs, JsonNode rhs) throws JsonQueryException {
            JsonNode text = lhs.isTextual() ? lhs : rhs.isTextual() ? rhs : null;
            JsonNode times = lhs.isNumber() ? lhs : rhs.isNumber() ? rhs : null;
            if (text != null && times != null) {
                double bytes = 2.0 * text.textValue().length() * times.asDouble();
                if (bytes > JqBudget.remainingBytes()) {
                    throw new JqBudgetExceeded("jq string repetition would exceed the query's memory budget");
                }
            }
            return inner.apply(mapper, lhs, rhs);
        }

        @Override
        public String image() {
            return inner.image();
        }
    }

    /** {@code setpath/2} refusing paths with an array index above {@link #MAX_ARRAY_INDEX}. */
    private record CheckedSetPath(Function inner) implements Function {
        @Override
        public void apply(Scope scope, List<Expression> args, JsonNode in, Path ipath, PathOutput output,
                Version version) throws JsonQueryException {
            args.get(0).apply(scope, in, paths -> {
                if (paths.isArray()) {
                    paths.forEach(JqGuards::checkIndex);
                }
            });
            inner.apply(scope, args, in, ipath, output, version);
        }
    }
}
