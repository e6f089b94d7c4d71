package dev.baton.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantIdTest {

    @Test
    void acceptsLowerCaseSlugs() {
        assertThat(TenantId.of("acme-2").value()).isEqualTo("acme-2");
    }

    @Test
    void rejectsValuesThatCouldNotBeARowsTenant() {
        for (String bad : new String[] {"", "Acme", "-acme", "a b", "a'--", "x".repeat(64)}) {
            assertThatThrownBy(() -> TenantId.of(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tenant id must be");
        }
    }
}
