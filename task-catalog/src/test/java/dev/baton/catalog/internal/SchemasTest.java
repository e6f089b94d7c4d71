package dev.baton.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Contracts must be self-contained JSON Schemas; values are validated against them within bounds. */
class SchemasTest {

    private final Schemas schemas = new Schemas();

    @Test
    void aUsableContractHasNoProblemsAndAMalformedOneIsExplained() {
        assertThat(schemas.problems(Map.of("type", "object", "properties", Map.of("to", Map.of("type", "string")))))
                .isEmpty();
        assertThat(schemas.problems(Map.of())).isEmpty();
        assertThat(schemas.problems(null)).containsExactly("is required (a JSON Schema object; {} accepts anything)");
        assertThat(schemas.problems(Map.of("type", "strng"))).isNotEmpty()
                .allSatisfy(p -> assertThat(p).startsWith("type "));
        assertThat(schemas.problems(Map.of("minLength", -1))).isNotEmpty();
    }

    @Test
    void aContractMayNotReachOutsideItself() {
        assertThat(schemas.problems(Map.of("$ref", "https://attacker.example/s.json")))
                .containsExactly("/$ref must point inside the contract (#/...), not to 'https://attacker.example/s.json'");
        assertThat(schemas.problems(Map.of("properties", Map.of("a", Map.of("$ref", "classpath:application.yml")))))
                .containsExactly("/properties/a/$ref must point inside the contract (#/...), not to "
                        + "'classpath:application.yml'");
        assertThat(schemas.problems(Map.of("$defs", Map.of("s", Map.of("type", "string")), "properties",
                Map.of("a", Map.of("$ref", "#/$defs/s"))))).isEmpty();
    }

    @Test
    void aRecursiveContractIsRefusedAndSharedDefinitionsAreFine() {
        Map<String, Object> recursive = Map.of("$defs", Map.of("node", Map.of("anyOf", List.of(
                Map.of("properties", Map.of("next", Map.of("$ref", "#/$defs/node"))),
                Map.of("properties", Map.of("other", Map.of("$ref", "#/$defs/node")))))),
                "$ref", "#/$defs/node");
        assertThat(schemas.problems(recursive)).singleElement().asString()
                .endsWith("contracts may not be recursive");
        Map<String, Object> shared = Map.of("$defs", Map.of("money", Map.of("type", "number"),
                "line", Map.of("properties", Map.of("price", Map.of("$ref", "#/$defs/money")))),
                "properties", Map.of("lines", Map.of("type", "array", "items", Map.of("$ref", "#/$defs/line")),
                        "total", Map.of("$ref", "#/$defs/money")));
        assertThat(schemas.problems(shared)).isEmpty();
    }

    @Test
    void aHugeContractIsRefused() {
        assertThat(schemas.problems(Map.of("description", "x".repeat(Schemas.MAX_SCHEMA_CHARS))))
                .singleElement().asString().contains("at most " + Schemas.MAX_SCHEMA_CHARS);
    }

    @Test
    void violationsNameTheirFieldAndTheMissingProperty() {
        Map<String, Object> schema = Map.of("type", "object", "required", List.of("to"), "properties",
                Map.of("items", Map.of("type", "array", "items", Map.of("type", "integer"))));
        List<Schemas.Violation> found = schemas.validate(schema, Map.of("items", List.of(1, "two")));
        assertThat(found).extracting(Schemas.Violation::field).containsExactlyInAnyOrder("", "items[1]");
        assertThat(found).filteredOn(v -> v.keyword().equals("required")).singleElement()
                .extracting(Schemas.Violation::property).isEqualTo("to");
    }

    @Test
    void aCatastrophicallyBacktrackingPatternFailsQuicklyInsteadOfSpinning() {
        // a back-reference defeats the JDK's memoisation: 24 a's take about 10 s unbounded, 40 would take years
        Map<String, Object> schema = Map.of("type", "string", "pattern", "^((a+)\\2?)+$");
        long began = System.nanoTime();
        List<Schemas.Violation> found = schemas.validate(schema, "a".repeat(40) + "!");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
        assertThat(found).singleElement().extracting(Schemas.Violation::reason).asString()
                .isEqualTo("the pattern '^((a+)\\2?)+$' took too long to match");
    }
}
