package dev.baton.authz.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Slows down password and key-secret guessing: after {@code perAddress} failed sign-ins with one credential from one
 * address (or {@code perCredential} from all addresses together) within {@code window}, further attempts with that
 * credential are refused for a while, doubling with every further failure up to {@code longestBlock}.
 *
 * <p>Counting per address first keeps a guesser from locking a person out from anywhere; the looser per-credential
 * limit still bounds guessing spread over many addresses. Attempts refused while blocked do not extend the block.
 * Counted per node: several nodes multiply what a guesser gets (shared counting comes with Redis).
 */
public final class SignInThrottle {

    private record Failures(int count, Instant firstAt, Instant blockedUntil) {}

    private static final int MAX_TRACKED = 100_000;
    /**
     * Credentials are counted by at most this many characters: logins and key ids are shorter, and an unsigned caller
     * must not make each tracked entry as large as a request body.
     */
    static final int MAX_CREDENTIAL_LENGTH = 256;

    private final Clock clock;
    private final int perAddress;
    private final int perCredential;
    private final Duration window;
    private final Duration firstBlock;
    private final Duration longestBlock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    public SignInThrottle(Clock clock, int perAddress, int perCredential, Duration window, Duration firstBlock,
            Duration longestBlock) {
        this.clock = clock;
        this.perAddress = perAddress;
        this.perCredential = perCredential;
        this.window = window;
        this.firstBlock = firstBlock;
        this.longestBlock = longestBlock;
    }

    /** How long sign-ins with {@code credential} from {@code address} are still refused; empty when they are not. */
    public Optional<Duration> blocked(String credential, String address) {
        Instant now = clock.instant();
        return Stream.of(remaining(key(credential, address), now), remaining(bounded(credential), now))
                .flatMap(Optional::stream).max(Duration::compareTo);
    }

    /** Records a failed sign-in (a wrong password or secret, not one refused because it was blocked). */
    public void failed(String credential, String address) {
        if (failures.size() >= MAX_TRACKED) {
            failures.clear(); // an attacker spraying credentials must not grow this without bound
        }
        Instant now = clock.instant();
        count(key(credential, address), perAddress, now);
        count(bounded(credential), perCredential, now);
    }

    /** A successful sign-in clears its address's count (the per-credential count ages out with its window). */
    public void succeeded(String credential, String address) {
        failures.remove(key(credential, address));
    }

    private void count(String key, int limit, Instant now) {
        failures.compute(key, (k, old) -> {
            Failures f = old == null || old.firstAt().plus(window).isBefore(now) ? new Failures(0, now, null) : old;
            int count = f.count() + 1;
            Instant until = f.blockedUntil();
            if (count >= limit) {
                long factor = 1L << Math.min(20, count - limit);
                Duration block = firstBlock.multipliedBy(factor);
                until = now.plus(block.compareTo(longestBlock) > 0 ? longestBlock : block);
            }
            return new Failures(count, f.firstAt(), until);
        });
    }

    private Optional<Duration> remaining(String key, Instant now) {
        Failures f = failures.get(key);
        if (f == null || f.blockedUntil() == null || !f.blockedUntil().isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, f.blockedUntil()));
    }

    private static String key(String credential, String address) {
        return bounded(credential) + "\n" + (address == null ? "?" : address);
    }

    private static String bounded(String credential) {
        return credential.length() <= MAX_CREDENTIAL_LENGTH ? credential
                : credential.substring(0, MAX_CREDENTIAL_LENGTH);
    }
}
