package dev.baton.catalog.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the changes between two versions of a contract that break its users, so that only a new major version may
 * make them. An input contract breaks its callers when it asks for more (a new required field, a narrower type or
 * enum, a closed object); an output contract breaks its consumers when it promises less (a field gone or no longer
 * required, a wider type or enum). Nested object properties are compared the same way.
 */
public final class Compatibility {

    private Compatibility() {}

    /** The input contract's changes that break callers, each naming its field. */
    public static List<String> inputBreaks(Map<String, Object> before, Map<String, Object> after) {
        List<String> breaks = new ArrayList<>();
        compare(before, after, "", true, breaks);
        return breaks;
    }

    /** The output contract's changes that break consumers, each naming its field. */
    public static List<String> outputBreaks(Map<String, Object> before, Map<String, Object> after) {
        List<String> breaks = new ArrayList<>();
        compare(before, after, "", false, breaks);
        return breaks;
    }

    @SuppressWarnings("unchecked")
    private static void compare(Map<String, Object> before, Map<String, Object> after, String at, boolean input,
            List<String> breaks) {
        String where = at.isEmpty() ? "the contract" : "'" + at + "'";
        Set<String> typesBefore = types(before);
        Set<String> typesAfter = types(after);
        if (input && !typesBefore.isEmpty() && !typesAfter.isEmpty() && !typesAfter.containsAll(typesBefore)) {
            breaks.add(where + " accepts " + typesAfter + " instead of " + typesBefore);
        }
        if (!input && !typesAfter.isEmpty() && (typesBefore.isEmpty() || !typesBefore.containsAll(typesAfter))) {
            breaks.add(where + " may now be " + typesAfter + " instead of " + (typesBefore.isEmpty() ? "any type"
                    : typesBefore));
        }
        Set<Object> enumBefore = enumOf(before);
        Set<Object> enumAfter = enumOf(after);
        if (input && enumAfter != null && (enumBefore == null || !enumAfter.containsAll(enumBefore))) {
            breaks.add(where + " accepts fewer values: " + enumAfter);
        }
        if (!input && enumBefore != null && (enumAfter == null || !enumBefore.containsAll(enumAfter))) {
            breaks.add(where + " may now hold values beyond " + enumBefore);
        }
        Map<String, Object> propsBefore = properties(before);
        Map<String, Object> propsAfter = properties(after);
        Set<String> requiredBefore = required(before);
        Set<String> requiredAfter = required(after);
        if (input) {
            for (String r : requiredAfter) {
                if (!requiredBefore.contains(r)) {
                    breaks.add("'" + path(at, r) + "' is now required");
                }
            }
            if (closed(after) && !closed(before)) {
                breaks.add(where + " no longer accepts fields it does not name");
            }
            for (String p : propsBefore.keySet()) {
                if (!propsAfter.containsKey(p) && closed(after)) {
                    breaks.add("'" + path(at, p) + "' is no longer accepted");
                }
            }
        } else {
            for (String r : requiredBefore) {
                if (!requiredAfter.contains(r)) {
                    breaks.add("'" + path(at, r) + "' is no longer always present");
                }
            }
            for (String p : propsBefore.keySet()) {
                if (!propsAfter.containsKey(p)) {
                    breaks.add("'" + path(at, p) + "' is gone");
                }
            }
        }
        for (Map.Entry<String, Object> p : propsBefore.entrySet()) {
            if (propsAfter.get(p.getKey()) instanceof Map<?, ?> next && p.getValue() instanceof Map<?, ?> prev) {
                compare((Map<String, Object>) prev, (Map<String, Object>) next, path(at, p.getKey()), input, breaks);
            }
        }
    }

    private static String path(String at, String name) {
        return at.isEmpty() ? name : at + "." + name;
    }

    private static Set<String> types(Map<String, Object> schema) {
        Object type = schema.get("type");
        Set<String> types = new TreeSet<>();
        if (type instanceof String s) {
            types.add(s);
        } else if (type instanceof List<?> l) {
            l.forEach(t -> types.add(String.valueOf(t)));
        }
        if (types.contains("number")) {
            types.add("integer"); // every integer is a number
        }
        return types;
    }

    private static Set<Object> enumOf(Map<String, Object> schema) {
        if (schema.get("enum") instanceof List<?> l) {
            return new HashSet<>(l);
        }
        return schema.containsKey("const") ? new HashSet<>(java.util.Collections.singletonList(schema.get("const")))
                : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> schema) {
        return schema.get("properties") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static Set<String> required(Map<String, Object> schema) {
        Set<String> required = new HashSet<>();
        if (schema.get("required") instanceof List<?> l) {
            l.forEach(r -> required.add(String.valueOf(r)));
        }
        return required;
    }

    private static boolean closed(Map<String, Object> schema) {
        return Boolean.FALSE.equals(schema.get("additionalProperties"))
                || Boolean.FALSE.equals(schema.get("unevaluatedProperties"));
    }
}
