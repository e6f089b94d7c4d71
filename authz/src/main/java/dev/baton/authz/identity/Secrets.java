package dev.baton.authz.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Random secrets and their stored form. Application-key secrets carry 256 random bits, so a fast SHA-256 is as
 * safe as a slow password hash for them and keeps token requests cheap; people's passwords use bcrypt.
 */
public final class Secrets implements PasswordEncoder {

    /** The id under which Spring's delegating password encoder finds this encoder: {@code {sha256}hex}. */
    public static final String ENCODER_ID = "sha256";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** {@code bytes} random bytes, URL-safe base64 without padding. */
    public static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Hex SHA-256 of the secret. */
    public static String sha256(CharSequence secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether {@code secret} hashes to {@code storedHash}, in time independent of where they differ. */
    public static boolean matchesHash(CharSequence secret, String storedHash) {
        return secret != null && storedHash != null && MessageDigest.isEqual(
                sha256(secret).getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return sha256(rawPassword);
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        return matchesHash(rawPassword, encodedPassword);
    }
}
