package dev.baton.engine.internal.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.spi.TaskOutcome;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secret references are filled only for the attempt, and every form of a value is taken out of what comes back. */
class SecretSubstitutionTest {

    @Test
    void referencesAreFoundAndFilledWholeOrInsideText() {
        Map<String, Object> input = Map.of("headers", Map.of("Authorization", "Bearer ${secrets.token}"),
                "password", "${ secrets.db }", "escaped", "$${secrets.token}", "list", List.of("${secrets.token}"));
        assertThat(SecretSubstitution.names(input)).containsExactlyInAnyOrder("token", "db");
        Map<String, Object> filled = SecretSubstitution.substitute(input, Map.of("token", "t0k3n$1", "db", "pw"));
        assertThat(filled.get("headers")).isEqualTo(Map.of("Authorization", "Bearer t0k3n$1"));
        assertThat(filled.get("password")).isEqualTo("pw");
        assertThat(filled.get("escaped")).isEqualTo("$${secrets.token}");
        assertThat(filled.get("list")).isEqualTo(List.of("t0k3n$1"));
    }

    @Test
    void everyFormOfAValueIsRedactedFromOutputReasonAndLogs() {
        String value = "s3cret value/+=";
        TaskOutcome outcome = TaskOutcome.failed("peer said " + value, Map.of("echo", value,
                "url", "q=" + URLEncoder.encode(value, StandardCharsets.UTF_8),
                "b64", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)),
                value, "as a key"));
        TaskOutcome clean = SecretSubstitution.redact(outcome, Map.of("x", value));
        assertThat(clean.reason()).isEqualTo("peer said [secret]");
        assertThat(clean.output()).isEqualTo(Map.of("echo", "[secret]", "url", "q=[secret]", "b64", "[secret]",
                "[secret]", "as a key"));
        assertThat(SecretSubstitution.redact(List.of("sent " + value), Map.of("x", value)))
                .containsExactly("sent [secret]");
    }

    @Test
    void veryShortValuesAreNotHuntedInOrdinaryText() {
        TaskOutcome outcome = TaskOutcome.completed(Map.of("text", "a cat sat"));
        assertThat(SecretSubstitution.redact(outcome, Map.of("x", "a")).output()).isEqualTo(Map.of("text",
                "a cat sat"));
    }
}
