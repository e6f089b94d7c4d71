package dev.baton.connections.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Encryption of secrets: round trips, ciphertexts bound to their row, and reading old keys after a rotation. */
class KeyRingTest {

    private static final String K1 = KeyRing.newKey();
    private static final String K2 = KeyRing.newKey();

    @Test
    void aValueDecryptsOnlyForTheRowItWasEncryptedFor() {
        KeyRing keys = new KeyRing(Map.of("k1", K1), "k1");
        byte[] sealed = keys.encrypt("hunter2-but-longer", "acme/secret/db");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
        assertThat(keys.decrypt("k1", sealed, "acme/secret/db")).isEqualTo("hunter2-but-longer");
        assertThatThrownBy(() -> keys.decrypt("k1", sealed, "other-tenant/secret/db"))
                .hasMessage("a stored secret does not decrypt: it was changed or moved");
        assertThat(keys.encrypt("same", "a/b/c")).as("a fresh nonce every time")
                .isNotEqualTo(keys.encrypt("same", "a/b/c"));
    }

    @Test
    void afterARotationOldValuesStillDecryptAndNewOnesUseTheActiveKey() {
        byte[] old = new KeyRing(Map.of("k1", K1), "k1").encrypt("before", "t/secret/x");
        Map<String, String> both = new LinkedHashMap<>();
        both.put("k1", K1);
        both.put("k2", K2);
        KeyRing rotated = new KeyRing(both, "k2");
        assertThat(rotated.activeKey()).isEqualTo("k2");
        assertThat(rotated.decrypt("k1", old, "t/secret/x")).isEqualTo("before");
        byte[] fresh = rotated.encrypt("after", "t/secret/x");
        assertThat(new KeyRing(Map.of("k2", K2), "k2").decrypt("k2", fresh, "t/secret/x")).isEqualTo("after");
        assertThatThrownBy(() -> new KeyRing(Map.of("k2", K2), "k2").decrypt("k1", old, "t/secret/x"))
                .hasMessageContaining("key 'k1', which is no longer configured");
    }

    @Test
    void badKeysAreRefusedAtStart() {
        assertThatThrownBy(() -> new KeyRing(Map.of("k1", "c2hvcnQ="), "k1")).hasMessageContaining("must be 32 bytes");
        assertThatThrownBy(() -> new KeyRing(Map.of("k1", K1), "k9")).hasMessageContaining("is not one of the keys");
    }
}
