package dev.baton.authz.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Failed sign-ins block a credential per address first, then per credential, for a doubling while. */
class SignInThrottleTest {

    private final MovableClock clock = new MovableClock();
    private final SignInThrottle throttle = new SignInThrottle(clock, 3, 5, Duration.ofMinutes(15),
            Duration.ofSeconds(30), Duration.ofMinutes(2));

    @Test
    void theThirdFailureFromOneAddressBlocksThatAddressForThirtySeconds() {
        fail("alice", "10.0.0.1", 2);
        assertThat(throttle.blocked("alice", "10.0.0.1")).isEmpty();
        fail("alice", "10.0.0.1", 1);
        assertThat(throttle.blocked("alice", "10.0.0.1")).contains(Duration.ofSeconds(30));
        assertThat(throttle.blocked("alice", "10.0.0.2")).as("another address").isEmpty();
        assertThat(throttle.blocked("bob", "10.0.0.1")).as("another credential").isEmpty();
        clock.advance(Duration.ofSeconds(31));
        assertThat(throttle.blocked("alice", "10.0.0.1")).isEmpty();
    }

    @Test
    void eachFurtherFailureDoublesTheBlockUpToTheLongest() {
        fail("alice", "10.0.0.1", 3);
        assertThat(throttle.blocked("alice", "10.0.0.1")).contains(Duration.ofSeconds(30));
        fail("alice", "10.0.0.1", 1);
        assertThat(throttle.blocked("alice", "10.0.0.1")).contains(Duration.ofSeconds(60));
        fail("alice", "10.0.0.1", 5);
        assertThat(throttle.blocked("alice", "10.0.0.1")).contains(Duration.ofMinutes(2));
    }

    @Test
    void failuresSpreadOverAddressesBlockTheCredentialEverywhere() {
        for (int i = 1; i <= 5; i++) {
            fail("alice", "10.0.0." + i, 1);
        }
        assertThat(throttle.blocked("alice", "10.9.9.9")).contains(Duration.ofSeconds(30));
    }

    @Test
    void aSuccessClearsItsAddressAndOldFailuresAgeOut() {
        fail("alice", "10.0.0.1", 2);
        throttle.succeeded("alice", "10.0.0.1");
        fail("alice", "10.0.0.1", 2);
        assertThat(throttle.blocked("alice", "10.0.0.1")).as("counting started again").isEmpty();
        clock.advance(Duration.ofMinutes(16));
        fail("alice", "10.0.0.1", 1);
        assertThat(throttle.blocked("alice", "10.0.0.1")).as("the window passed").isEmpty();
    }

    @Test
    void aHugeCredentialIsCountedByItsFirstCharactersOnly() {
        String guessed = "k".repeat(SignInThrottle.MAX_CREDENTIAL_LENGTH);
        fail(guessed + "x".repeat(1_000_000), "10.0.0.1", 2);
        fail(guessed + "y".repeat(1_000_000), "10.0.0.1", 1);
        assertThat(throttle.blocked(guessed + "z", "10.0.0.1")).as("one entry, of bounded size")
                .contains(Duration.ofSeconds(30));
    }

    private void fail(String credential, String address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed(credential, address);
        }
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-29T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
