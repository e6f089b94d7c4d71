package dev.baton.listeners.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature a delivery carries in {@code Baton-Signature}: {@code v1=} and the hex HMAC-SHA256, keyed with the
 * listener's secret, of the {@code Baton-Timestamp} value, a dot and the body. Signing the time as well lets a
 * receiver refuse an old delivery replayed.
 */
public final class WebhookSignature {

    /** The scheme's prefix; a receiver ignores signatures of schemes it does not know. */
    public static final String SCHEME = "v1=";

    private WebhookSignature() {}

    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return SCHEME + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
