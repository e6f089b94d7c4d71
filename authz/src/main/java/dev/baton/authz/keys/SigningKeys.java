package dev.baton.authz.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The RSA keys that sign this installation's tokens, kept in PostgreSQL so every node signs and verifies with the
 * same set.
 *
 * <p>The newest key signs; every key younger than the rotation period plus the longest token lifetime stays
 * published, so a token signed just before a rotation still verifies until it expires. A key is never reused
 * after it leaves the set.
 */
public final class SigningKeys implements JWKSource<SecurityContext> {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration rotation;
    private final Duration retention;
    private volatile List<RSAKey> keys = List.of();
    private volatile Instant lastReload = Instant.EPOCH;

    public SigningKeys(JdbcClient jdbc, TransactionTemplate tx, Clock clock, Duration rotation,
            Duration tokenLifetime) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.rotation = rotation;
        this.retention = rotation.plus(tokenLifetime).plus(Duration.ofMinutes(5));
    }

    /** Makes sure a signing key younger than the rotation period exists and drops keys no token can need. */
    public synchronized void rotate() {
        Instant now = clock.instant();
        tx.executeWithoutResult(status -> {
            // one node at a time decides whether a key is due: nodes that start or rotate together share one key,
            // instead of each signing with a key the others have not read yet
            jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('baton.signing_keys'))").query((rs, i) -> 0).list();
            jdbc.sql("DELETE FROM signing_keys WHERE created_at < ?")
                    .param(java.sql.Timestamp.from(now.minus(retention))).update();
            boolean current = jdbc.sql("SELECT count(*) FROM signing_keys WHERE created_at >= ?")
                    .param(java.sql.Timestamp.from(now.minus(rotation))).query(Long.class).single() > 0;
            if (!current) {
                RSAKey key = generate(now);
                jdbc.sql("INSERT INTO signing_keys (kid, jwk, created_at) VALUES (?, ?, ?)")
                        .params(key.getKeyID(), key.toJSONString(), java.sql.Timestamp.from(now)).update();
                log.info("created signing key {}", key.getKeyID());
            }
        });
        reload();
    }

    /** Reads the key set again, e.g. after another node rotated. */
    public void reload() {
        List<RSAKey> loaded = new ArrayList<>();
        for (String json : jdbc.sql("SELECT jwk FROM signing_keys").query(String.class).list()) {
            try {
                loaded.add(RSAKey.parse(json));
            } catch (ParseException e) {
                throw new IllegalStateException("a row of signing_keys is not an RSA JWK", e);
            }
        }
        loaded.sort(Comparator.comparing((RSAKey k) -> k.getIssueTime()).reversed());
        keys = List.copyOf(loaded);
        lastReload = clock.instant();
    }

    /** The public halves of every published key, as served at the JWKS endpoint. */
    public JWKSet publicSet() {
        return new JWKSet(keys.stream().map(k -> (JWK) k.toPublicJWK()).toList());
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        List<RSAKey> current = keys;
        if (current.isEmpty()) {
            rotate();
            current = keys;
        }
        if (choosingSigningKey(selector)) {
            return selector.select(new JWKSet(current.get(0)));
        }
        List<JWK> found = selector.select(new JWKSet(new ArrayList<>(current)));
        if (found.isEmpty() && clock.instant().isAfter(lastReload.plusSeconds(10))) {
            // a token signed by a key another node created after our last reload; bounded, so tokens with made-up
            // key ids cannot turn into a query each
            reload();
            found = selector.select(new JWKSet(new ArrayList<>(keys)));
        }
        return found;
    }

    /**
     * A signer asks for a key of an algorithm without naming one (only the newest may sign); a verifier names the
     * key id from the token's header; the JWKS endpoint asks for everything.
     */
    private static boolean choosingSigningKey(JWKSelector selector) {
        var m = selector.getMatcher();
        boolean namesKey = m.getKeyIDs() != null && !m.getKeyIDs().isEmpty();
        boolean constrained = (m.getAlgorithms() != null && !m.getAlgorithms().isEmpty())
                || (m.getKeyTypes() != null && !m.getKeyTypes().isEmpty());
        return !namesKey && constrained;
    }

    private static RSAKey generate(Instant now) {
        try {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID(UUID.randomUUID().toString())
                    .issueTime(Date.from(now)).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate an RSA key", e);
        }
    }
}
