package dev.baton.engine.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WaitTimesTest {

    @Test
    void readsEveryUnitSpellingConductorAccepts() {
        assertThat(WaitTimes.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(WaitTimes.parseDuration("3 seconds")).isEqualTo(Duration.ofSeconds(3));
        assertThat(WaitTimes.parseDuration("1 second")).isEqualTo(Duration.ofSeconds(1));
        assertThat(WaitTimes.parseDuration("10 secs")).isEqualTo(Duration.ofSeconds(10));
        assertThat(WaitTimes.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(WaitTimes.parseDuration("5 minutes")).isEqualTo(Duration.ofMinutes(5));
        assertThat(WaitTimes.parseDuration("2 mins")).isEqualTo(Duration.ofMinutes(2));
        assertThat(WaitTimes.parseDuration("1h 30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(WaitTimes.parseDuration("2 hours")).isEqualTo(Duration.ofHours(2));
        assertThat(WaitTimes.parseDuration("3 hrs")).isEqualTo(Duration.ofHours(3));
        assertThat(WaitTimes.parseDuration("2 days")).isEqualTo(Duration.ofDays(2));
        assertThat(WaitTimes.parseDuration("1d 2h 3m 4s")).isEqualTo(Duration.ofSeconds(93_784));
    }

    @Test
    void refusesTextThatIsNotADuration() {
        for (String bad : new String[] {"", "soon", "3", "3 fortnights", "5 minutes later", "3secondsx"}) {
            assertThatThrownBy(() -> WaitTimes.parseDuration(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void readsTimesWithAndWithoutAZone() {
        assertThat(WaitTimes.parseInstant("2026-12-01T09:30:00Z")).isEqualTo(Instant.parse("2026-12-01T09:30:00Z"));
        assertThat(WaitTimes.parseInstant("2026-12-01 09:30")).isEqualTo(Instant.parse("2026-12-01T09:30:00Z"));
        assertThat(WaitTimes.parseInstant("2026-12-01 09:30 Europe/Oslo"))
                .isEqualTo(Instant.parse("2026-12-01T08:30:00Z"));
    }
}
