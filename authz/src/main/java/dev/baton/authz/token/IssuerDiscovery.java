package dev.baton.authz.token;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds an external issuer's signing keys through its OpenID discovery document, every fetch through the
 * {@link OutboundAddressPolicy}.
 *
 * <p>Concurrent requests for one issuer share one discovery (single flight). A failed discovery is remembered for
 * {@link #RETRY_FAILED_AFTER}, so a burst of tokens naming an unreachable issuer costs one attempt, not one each; a
 * successful one is kept for {@link #REDISCOVER_AFTER}. Keys themselves are cached and refreshed by Nimbus's
 * JWK source, which rate-limits refetches for unknown key ids.
 */
final class IssuerDiscovery {

    static final Duration RETRY_FAILED_AFTER = Duration.ofSeconds(30);
    static final Duration REDISCOVER_AFTER = Duration.ofHours(1);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What an issuer's discovery document says: its keys, and where people sign in and codes are exchanged. */
    record Discovered(JwtDecoder decoder, String authorizationEndpoint, String tokenEndpoint) {}

    private record Attempt(CompletableFuture<Discovered> decoder, Instant startedAt) {
        boolean stale(Instant now) {
            if (!decoder.isDone()) {
                return false;
            }
            Duration keep = decoder.isCompletedExceptionally() ? RETRY_FAILED_AFTER : REDISCOVER_AFTER;
            return startedAt.plus(keep).isBefore(now);
        }
    }

    private final OutboundAddressPolicy policy;
    private final Clock clock;
    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    private final ExecutorService fetchers = Executors.newVirtualThreadPerTaskExecutor();

    IssuerDiscovery(OutboundAddressPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** The decoder for {@code issuer}'s tokens; throws {@link DiscoveryFailedException} saying why there is none. */
    JwtDecoder decoderFor(String issuer) {
        return discovered(issuer).decoder();
    }

    /** The issuer's discovery, shared and cached as {@link #decoderFor} explains. */
    Discovered discovered(String issuer) {
        Instant now = clock.instant();
        Attempt attempt = attempts.compute(issuer, (key, old) -> old != null && !old.stale(now) ? old
                : new Attempt(CompletableFuture.supplyAsync(() -> discover(issuer), fetchers), now));
        try {
            return attempt.decoder().get();
        } catch (ExecutionException e) {
            throw new DiscoveryFailedException("cannot use the issuer " + issuer + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscoveryFailedException("interrupted while discovering " + issuer);
        }
    }

    private Discovered discover(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        JsonNode document;
        try {
            document = JSON.readTree(policy.get(base + "/.well-known/openid-configuration"));
        } catch (tools.jackson.core.JacksonException e) {
            throw new DiscoveryFailedException("its discovery document is not JSON");
        }
        if (!issuer.equals(document.path("issuer").asString(""))) {
            throw new DiscoveryFailedException("its discovery document names another issuer");
        }
        String jwksUri = document.path("jwks_uri").asString("");
        URI keys = policy.check(jwksUri);
        JWKSource<SecurityContext> source;
        try {
            source = JWKSourceBuilder.<SecurityContext>create(keys.toURL(),
                    url -> new Resource(policy.get(url.toString()), "application/json")).build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new DiscoveryFailedException("its jwks_uri is not a URL");
        }
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(source).jwsAlgorithms(algorithms -> {
            for (JsonNode name : document.path("id_token_signing_alg_values_supported")) {
                SignatureAlgorithm algorithm = SignatureAlgorithm.from(name.asString(""));
                if (algorithm != null) {
                    algorithms.add(algorithm); // asymmetric only: from() knows no HS* or none
                }
            }
            if (algorithms.isEmpty()) {
                algorithms.add(SignatureAlgorithm.RS256);
            }
        }).build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(issuer));
        // sign-in endpoints are optional here: an issuer used for API tokens alone need not offer them
        return new Discovered(decoder, document.path("authorization_endpoint").asString(null),
                document.path("token_endpoint").asString(null));
    }

    /** Discovery failed, or the policy refused the issuer's addresses. */
    static final class DiscoveryFailedException extends RuntimeException {
        DiscoveryFailedException(String message) {
            super(message);
        }
    }
}
