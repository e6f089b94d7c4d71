package dev.baton.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.api.EngineException;
import org.junit.jupiter.api.Test;

/** Versions: exact ones parse, references name a version or a line, and order is by number. */
class SemVerTest {

    @Test
    void aVersionAnswersItselfItsMinorLineAndItsMajorLine() {
        SemVer v = SemVer.parse("2.10.3", "version");
        assertThat(v.matches("2.10.3")).isTrue();
        assertThat(v.matches("2.10")).isTrue();
        assertThat(v.matches("2")).isTrue();
        assertThat(v.matches("2.1")).isFalse();
        assertThat(v.matches("3")).isFalse();
        assertThat(v.matches("2.10.30")).isFalse();
        assertThat(v.matches("latest")).isFalse();
    }

    @Test
    void versionsOrderByNumberNotText() {
        assertThat(SemVer.parse("1.10.0", "v")).isGreaterThan(SemVer.parse("1.9.9", "v"));
        assertThat(SemVer.parse("2.0.0", "v")).isGreaterThan(SemVer.parse("1.99.99", "v"));
    }

    @Test
    void malformedVersionsAreRefusedNamingTheField() {
        for (String bad : new String[] {"1.0", "v1.0.0", "01.0.0", "1.0.0-beta", "", "1.0.0.0", "9999999.0.0"}) {
            assertThatThrownBy(() -> SemVer.parse(bad, "version")).as(bad).isInstanceOf(EngineException.class)
                    .extracting(e -> ((EngineException) e).field()).isEqualTo("version");
        }
        assertThat(SemVer.isReference("1")).isTrue();
        assertThat(SemVer.isReference("1.2")).isTrue();
        assertThat(SemVer.isReference("1.2.3")).isTrue();
        assertThat(SemVer.isReference("^1.2")).isFalse();
    }
}
