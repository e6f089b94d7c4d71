package dev.baton.authz.token;

import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Takes access away before tokens expire: revoked subjects, keys and tokens, kept in PostgreSQL so every node sees
 * them, and held in memory so checking a token costs no database read.
 *
 * <p>Each node reads the revocations made since its last look every {@code pollInterval}, and at once when another
 * node says it revoked something ({@link #onRevoke}, {@link #lookNow}); one made on this node applies here as soon
 * as its transaction commits. A subject revoked at time T loses every token issued before the
 * second after T (token issue times have whole seconds, so a token from the same second cannot be told apart).
 */
public final class Revocations implements AutoCloseable {

    /** The claim naming the application key a token was minted from. */
    public static final String KEY_CLAIM = "key";

    private static final Logger log = LoggerFactory.getLogger(Revocations.class);
    // rows committed slightly out of creation order must still be seen: each look reaches back this far
    private static final Duration OVERLAP = Duration.ofSeconds(10);

    private record Expiring(Instant value, Instant expiresAt) {}

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration tokenLifetime;
    private final Duration pollInterval;
    private final Map<String, Expiring> subjects = new ConcurrentHashMap<>();
    private final Map<String, Instant> keys = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();
    private final List<Runnable> revoked = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "revocations");
        t.setDaemon(true);
        return t;
    });
    private volatile Instant lookedUntil = Instant.EPOCH;

    public Revocations(TenantTransactions tx, JdbcClient jdbc, Clock clock, Duration tokenLifetime,
            Duration pollInterval) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.clock = clock;
        this.tokenLifetime = tokenLifetime;
        this.pollInterval = pollInterval;
    }

    /** Loads what is in force and starts watching for more. */
    public void start() {
        poll();
        poller.scheduleWithFixedDelay(this::pollQuietly, pollInterval.toMillis(), pollInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Every token of {@code subject} issued until now stops working; joins the caller's transaction. */
    public void revokeSubject(TenantId tenant, String subject) {
        revoke(tenant, "subject", subject, clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1));
    }

    /** Every token minted from {@code keyId} stops working. */
    public void revokeKey(TenantId tenant, String keyId) {
        revoke(tenant, "key_id", keyId, clock.instant());
    }

    /** The token {@code tokenId} stops working. */
    public void revokeToken(TenantId tenant, String tokenId) {
        revoke(tenant, "token_id", tokenId, clock.instant());
    }

    /** Why {@code jwt} no longer counts, or empty when it still does. */
    public Optional<String> refusal(Jwt jwt) {
        if (jwt.getId() != null && tokens.containsKey(jwt.getId())) {
            return Optional.of("the token was revoked");
        }
        String key = jwt.getClaimAsString(KEY_CLAIM);
        if (key != null && keys.containsKey(key)) {
            return Optional.of("the key it was issued for was revoked");
        }
        Expiring since = jwt.getSubject() == null ? null : subjects.get(jwt.getSubject());
        if (since != null && (jwt.getIssuedAt() == null || jwt.getIssuedAt().isBefore(since.value()))) {
            return Optional.of("its holder's access changed after it was issued; sign in again");
        }
        return Optional.empty();
    }

    /** Writes the revocation for every node, and applies it on this one once it is committed. */
    private void revoke(TenantId tenant, String column, String value, Instant notBefore) {
        // no token issued before now outlives this
        Instant expires = clock.instant().plus(tokenLifetime).plus(Duration.ofMinutes(1));
        tx.run(tenant, () -> jdbc.sql("INSERT INTO revocations (tenant_id, " + column + ", not_before, expires_at) "
                + "VALUES (?, ?, ?, ?)").params(tenant.value(), value, Timestamp.from(notBefore),
                        Timestamp.from(expires)).update());
        TenantTransactions.afterCommit(() -> {
            remember(column, value, notBefore, expires);
            revoked.forEach(Runnable::run);
        });
    }

    /** Runs {@code listener} after each revocation made on this node commits: to tell the other nodes to look. */
    public void onRevoke(Runnable listener) {
        revoked.add(listener);
    }

    /** Reads the revocations made since the last look now, instead of at the next poll; false when it failed. */
    public boolean lookNow() {
        try {
            poll();
            return true;
        } catch (RuntimeException e) {
            log.warn("could not read revocations; the next poll will: {}", e.getMessage());
            return false;
        }
    }

    /** Holds a revocation in memory until {@code expires}; {@code column} says what it names. */
    private void remember(String column, String value, Instant notBefore, Instant expires) {
        switch (column) {
            case "subject" -> subjects.merge(value, new Expiring(notBefore, expires),
                    (a, b) -> a.value().isAfter(b.value()) ? a : b);
            case "key_id" -> keys.put(value, expires);
            default -> tokens.put(value, expires);
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("could not read revocations; will try again: {}", e.getMessage());
        }
    }

    private synchronized void poll() {
        Instant since = lookedUntil.minus(OVERLAP);
        Instant[] newest = {lookedUntil};
        jdbc.sql("SELECT * FROM revocations_since(?)").param(Timestamp.from(since.isBefore(Instant.EPOCH)
                ? Instant.EPOCH : since)).query(rs -> {
                    long id = rs.getLong("id");
                    Instant created = rs.getTimestamp("created_at").toInstant();
                    if (created.isAfter(newest[0])) {
                        newest[0] = created;
                    }
                    if (!seen.add(id)) {
                        return;
                    }
                    String column = rs.getString("subject") != null ? "subject"
                            : rs.getString("key_id") != null ? "key_id" : "token_id";
                    remember(column, rs.getString(column), rs.getTimestamp("not_before").toInstant(),
                            rs.getTimestamp("expires_at").toInstant());
                });
        lookedUntil = newest[0];
        forgetExpired();
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        subjects.values().removeIf(e -> e.expiresAt().isBefore(now));
        keys.values().removeIf(e -> e.isBefore(now));
        tokens.values().removeIf(e -> e.isBefore(now));
        if (seen.size() > 100_000) {
            seen.clear(); // ids reach back only OVERLAP; re-applying a row is harmless
        }
    }

    /** Deletes rows whose tokens have all expired; returns how many. */
    public int purge() {
        return jdbc.sql("SELECT purge_revocations()").query(Integer.class).single();
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
