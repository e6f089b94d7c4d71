package dev.baton.console.signin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignInFlowTest {

    @Test
    void afterSignInOnlyAConsolePageOfThisServerIsAPlaceToReturnTo() {
        assertThat(SignInFlow.safeNext("/console/executions?status=FAILED")).isEqualTo(
                "/console/executions?status=FAILED");
        assertThat(SignInFlow.safeNext("/console")).isEqualTo("/console");
        assertThat(SignInFlow.safeNext("https://evil.example/console")).isNull();
        assertThat(SignInFlow.safeNext("//evil.example/console")).isNull();
        assertThat(SignInFlow.safeNext("/console//evil.example")).isNull();
        assertThat(SignInFlow.safeNext("/console\\@evil.example")).isNull();
        assertThat(SignInFlow.safeNext("/api/workflow")).isNull();
        assertThat(SignInFlow.safeNext("/consolex")).isNull();
        assertThat(SignInFlow.safeNext(null)).isNull();
        assertThat(SignInFlow.safeNext("/console/" + "a".repeat(3000))).isNull();
    }
}
