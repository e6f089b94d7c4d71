package dev.baton.catalog.internal;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON Schema 2020-12 for contracts: checks that a tenant's schema is one (self-contained, bounded), and validates
 * values against compiled schemas, kept by their text.
 */
public final class Schemas {

    /** Largest contract, as JSON text. */
    static final int MAX_SCHEMA_CHARS = 64 * 1024;
    /** Most JSON values in a contract. */
    static final int MAX_SCHEMA_NODES = 5000;
    private static final int CACHED = 1024;
    private static final String META = "https://json-schema.org/draft/2020-12/";

    private final JsonMapper json = JsonMapper.builder().build();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .regularExpressionFactory(BoundedRegex.FACTORY).build())
                    // a contract's $ref may not reach the network or the class path; only the meta-schemas load
                    .schemaLoader(l -> l.fetchRemoteResources(false).block(iri -> !iri.toString().startsWith(META))));
    private final Schema metaSchema = registry.getSchema(SchemaLocation.of(META + "schema"));
    private final Map<String, Schema> compiled = new LinkedHashMap<>(CACHED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Schema> eldest) {
            return size() > CACHED;
        }
    };

    /** What is wrong with {@code schema} as a contract; empty when it is a usable one. */
    public List<String> problems(Map<String, Object> schema) {
        List<String> problems = new ArrayList<>();
        if (schema == null) {
            problems.add("is required (a JSON Schema object; {} accepts anything)");
            return problems;
        }
        String text = json.writeValueAsString(schema);
        if (text.length() > MAX_SCHEMA_CHARS) {
            problems.add("is " + text.length() + " characters of JSON; at most " + MAX_SCHEMA_CHARS + " are allowed");
            return problems;
        }
        JsonNode node = json.readTree(text);
        foreignRefs(node, "", problems);
        if (!problems.isEmpty()) {
            return problems;
        }
        int nodes = count(node);
        if (nodes > MAX_SCHEMA_NODES) {
            problems.add("has " + nodes + " JSON values; at most " + MAX_SCHEMA_NODES + " are allowed");
            return problems;
        }
        recursion(node).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            return problems;
        }
        for (Error e : metaSchema.validate(node)) {
            problems.add(field(e.getInstanceLocation()) + " " + e.getMessage());
        }
        if (problems.isEmpty()) {
            try {
                compile(text);
            } catch (RuntimeException e) {
                problems.add("cannot be used: " + e.getMessage());
            }
        }
        return problems;
    }

    private static int count(JsonNode node) {
        int n = 1;
        for (JsonNode child : node.values()) {
            n += count(child);
        }
        return n;
    }

    /**
     * Why the contract refers to itself, if it does: a recursive schema under alternatives ({@code anyOf} of two
     * self-references) costs time exponential in the depth of the value checked, so contracts may not recurse.
     */
    private static java.util.Optional<String> recursion(JsonNode root) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        refs(root, "#", edges);
        for (String start : edges.keySet()) {
            java.util.Deque<String> path = new java.util.ArrayDeque<>();
            if (cycle(start, edges, path, new java.util.HashSet<>())) {
                return java.util.Optional.of("refers back to itself through $ref (" + String.join(" -> ", path)
                        + "); contracts may not be recursive");
            }
        }
        return java.util.Optional.empty();
    }

    /** For every schema location, the locations its own {@code $ref}s (at any depth below it) point to. */
    private static void refs(JsonNode node, String at, Map<String, List<String>> edges) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String child = at + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                if (e.getKey().equals("$ref") && e.getValue().isString()) {
                    // a reference made anywhere under a location is made by each of its ancestors too
                    String target = e.getValue().asString();
                    for (String owner = at; !owner.isEmpty(); owner = parent(owner)) {
                        edges.computeIfAbsent(owner, k -> new ArrayList<>()).add(target);
                    }
                }
                refs(e.getValue(), child, edges);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refs(node.get(i), at + "/" + i, edges);
            }
        }
    }

    private static String parent(String pointer) {
        int slash = pointer.lastIndexOf('/');
        return slash < 0 ? "" : pointer.substring(0, slash);
    }

    private static boolean cycle(String at, Map<String, List<String>> edges, java.util.Deque<String> path,
            java.util.Set<String> done) {
        if (path.contains(at)) {
            path.addLast(at);
            return true;
        }
        if (!done.add(at)) {
            return false;
        }
        path.addLast(at);
        for (String next : edges.getOrDefault(at, List.of())) {
            // the target and everything it contains is entered when the reference is followed
            for (String owner : edges.keySet()) {
                if ((owner.equals(next) || owner.startsWith(next + "/")) && cycle(owner, edges, path, done)) {
                    return true;
                }
            }
        }
        path.removeLast();
        return false;
    }

    /** A {@code $ref} may only point inside the contract itself ({@code #/$defs/...}). */
    private static void foreignRefs(JsonNode node, String at, List<String> problems) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if ((e.getKey().equals("$ref") || e.getKey().equals("$dynamicRef")) && !e.getValue().asString("")
                        .startsWith("#")) {
                    problems.add(at + "/" + e.getKey() + " must point inside the contract (#/...), not to '"
                            + e.getValue().asString("") + "'");
                }
                foreignRefs(e.getValue(), at + "/" + e.getKey(), problems);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                foreignRefs(node.get(i), at + "/" + i, problems);
            }
        }
    }

    /** One value's violations of a contract: the field path ({@code ""} for the whole value) and why. */
    public record Violation(String field, String keyword, String property, String reason) {}

    /** Validates {@code value} against {@code schema} (a contract that passed {@link #problems}). */
    public List<Violation> validate(Map<String, Object> schema, Object value) {
        Schema compiled = compile(json.writeValueAsString(schema));
        List<Violation> found = new ArrayList<>();
        try {
            for (Error e : compiled.validate(json.valueToTree(value))) {
                found.add(new Violation(field(e.getInstanceLocation()), e.getKeyword(), e.getProperty(),
                        e.getMessage()));
            }
        } catch (BoundedRegex.TooSlowException e) {
            found.add(new Violation("", "pattern", null, e.getMessage()));
        }
        return found;
    }

    private synchronized Schema compile(String text) {
        return compiled.computeIfAbsent(text, t -> registry.getSchema(json.readTree(t)));
    }

    /** A field path as the rest of the API writes them: {@code items[2].name}. */
    static String field(NodePath path) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) {
                out.append('[').append(index).append(']');
            } else {
                out.append(out.isEmpty() ? "" : ".").append(element);
            }
        }
        return out.toString();
    }
}
