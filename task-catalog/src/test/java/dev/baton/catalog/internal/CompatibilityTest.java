package dev.baton.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which contract changes break callers (input) or consumers (output). */
class CompatibilityTest {

    private static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
        return Map.of("type", "object", "properties", properties, "required", required);
    }

    private static final Map<String, Object> STRING = Map.of("type", "string");
    private static final Map<String, Object> INTEGER = Map.of("type", "integer");

    @Test
    void anInputContractMayAskForLessButNotForMore() {
        Map<String, Object> before = object(Map.of("to", STRING, "cc", STRING), List.of("to"));
        assertThat(Compatibility.inputBreaks(before, object(Map.of("to", STRING, "cc", STRING, "bcc", STRING),
                List.of("to")))).isEmpty();
        assertThat(Compatibility.inputBreaks(before, object(Map.of("to", STRING), List.of()))).isEmpty();
        assertThat(Compatibility.inputBreaks(before, object(Map.of("to", STRING, "cc", STRING), List.of("to", "cc"))))
                .containsExactly("'cc' is now required");
        assertThat(Compatibility.inputBreaks(before, object(Map.of("to", INTEGER, "cc", STRING), List.of("to"))))
                .containsExactly("'to' accepts [integer] instead of [string]");
        assertThat(Compatibility.inputBreaks(object(Map.of("n", INTEGER), List.of()),
                object(Map.of("n", Map.of("type", "number")), List.of()))).as("every integer is a number").isEmpty();
    }

    @Test
    void anInputEnumMayGrowButNotShrinkAndAnOpenObjectMayNotClose() {
        Map<String, Object> before = object(Map.of("mode", Map.of("enum", List.of("a", "b"))), List.of());
        assertThat(Compatibility.inputBreaks(before, object(Map.of("mode", Map.of("enum", List.of("a", "b", "c"))),
                List.of()))).isEmpty();
        assertThat(Compatibility.inputBreaks(before, object(Map.of("mode", Map.of("enum", List.of("a"))), List.of())))
                .containsExactly("'mode' accepts fewer values: [a]");
        Map<String, Object> closed = Map.of("type", "object", "properties", Map.of(), "additionalProperties", false);
        assertThat(Compatibility.inputBreaks(before, closed)).contains("the contract no longer accepts fields it does "
                + "not name", "'mode' is no longer accepted");
    }

    @Test
    void anOutputContractMayPromiseMoreButNotLess() {
        Map<String, Object> before = object(Map.of("id", STRING, "note", STRING), List.of("id"));
        assertThat(Compatibility.outputBreaks(before, object(Map.of("id", STRING, "note", STRING, "at", STRING),
                List.of("id", "at")))).isEmpty();
        assertThat(Compatibility.outputBreaks(before, object(Map.of("id", STRING), List.of("id"))))
                .containsExactly("'note' is gone");
        assertThat(Compatibility.outputBreaks(before, object(Map.of("id", STRING, "note", STRING), List.of())))
                .containsExactly("'id' is no longer always present");
        assertThat(Compatibility.outputBreaks(before, object(Map.of("id", Map.of("type", List.of("string", "null")),
                "note", STRING), List.of("id")))).containsExactly("'id' may now be [null, string] instead of [string]");
    }

    @Test
    void nestedObjectsAreComparedTheSameWay() {
        Map<String, Object> before = object(Map.of("address", object(Map.of("city", STRING), List.of())), List.of());
        Map<String, Object> after = object(Map.of("address", object(Map.of("city", STRING, "zip", STRING),
                List.of("zip"))), List.of());
        assertThat(Compatibility.inputBreaks(before, after)).containsExactly("'address.zip' is now required");
    }
}
