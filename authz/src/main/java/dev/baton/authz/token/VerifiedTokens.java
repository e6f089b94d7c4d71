package dev.baton.authz.token;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens this node has already verified, until they expire: a worker sends the same token with every poll and
 * update, and checking its RSA signature and claims each time was a large share of a call's CPU. Keyed by the
 * whole token, so only the exact bytes that were verified are ever accepted again; bounded, so a flood of
 * distinct tokens costs memory only up to {@code capacity} entries.
 */
final class VerifiedTokens {

    private record Entry(CallerAuthentication authentication, Instant expiresAt) {}

    private final int capacity;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    VerifiedTokens(int capacity) {
        this.capacity = capacity;
    }

    /** The authentication of a token verified before and not yet expired, or null. */
    CallerAuthentication get(String token) {
        Entry e = entries.get(token);
        if (e == null) {
            return null;
        }
        if (!Instant.now().isBefore(e.expiresAt())) {
            entries.remove(token);
            return null;
        }
        return e.authentication();
    }

    void put(String token, CallerAuthentication authentication, Instant expiresAt) {
        if (expiresAt == null) {
            return;
        }
        if (entries.size() >= capacity) {
            // simplest bound that cannot grow: start over; live tokens are verified again on their next use
            entries.clear();
        }
        entries.put(token, new Entry(authentication, expiresAt));
    }
}
