package dev.baton.connections.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys secrets are encrypted with: AES-256-GCM, a fresh 96-bit nonce per value, and the row's identity (tenant,
 * kind, name) as associated data, so a ciphertext copied to another row or tenant does not decrypt. New values use
 * the active key; older keys stay to read what they encrypted until it is re-encrypted.
 */
public final class KeyRing {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final String active;
    private final SecureRandom random = new SecureRandom();

    /** {@code keys} maps key ids to base64 AES keys of 32 bytes; {@code active} names the one new values use. */
    public KeyRing(Map<String, String> keys, String active) {
        keys.forEach((id, base64) -> {
            byte[] raw = Base64.getDecoder().decode(base64.trim());
            if (raw.length != 32) {
                throw new IllegalArgumentException("baton.secrets key '" + id + "' must be 32 bytes (base64), not "
                        + raw.length);
            }
            this.keys.put(id, new SecretKeySpec(raw, "AES"));
        });
        if (!this.keys.containsKey(active)) {
            throw new IllegalArgumentException("baton.secrets.active-key '" + active + "' is not one of the keys "
                    + this.keys.keySet());
        }
        this.active = active;
    }

    public String activeKey() {
        return active;
    }

    /** A new random key, base64, for a first start or a rotation. */
    public static String newKey() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    public byte[] encrypt(String plaintext, String boundTo) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(active), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt: " + e.getMessage(), e);
        }
    }

    public String decrypt(String keyId, byte[] stored, String boundTo) {
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("the secret was encrypted with key '" + keyId + "', which is no longer "
                    + "configured (baton.secrets.keys)");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored secret does not decrypt: it was changed or moved", e);
        }
    }
}
