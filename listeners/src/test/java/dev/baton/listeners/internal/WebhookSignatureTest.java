package dev.baton.listeners.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    @Test
    void signsTheTimestampADotAndTheBodyWithHmacSha256() {
        // the expected value computed independently (Python's hmac module)
        assertThat(WebhookSignature.sign("whsec_test", 1796467200L,
                "{\"event\":\"workflow.COMPLETED\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1=d8eab8da65506eec1819b203d067eeaf2fc68a2b6ac2d6bebef06d8d1881da7c");
    }

    @Test
    void anotherTimestampOrBodyGivesAnotherSignature() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String signature = WebhookSignature.sign("k", 1L, body);

        assertThat(WebhookSignature.sign("k", 2L, body)).isNotEqualTo(signature);
        assertThat(WebhookSignature.sign("k", 1L, "{ }".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(signature);
        assertThat(WebhookSignature.sign("k2", 1L, body)).isNotEqualTo(signature);
    }
}
