package dev.baton.authz.web;

import dev.baton.authz.api.Caller;
import dev.baton.authz.audit.SignInAudit;
import dev.baton.authz.identity.Identities;
import dev.baton.authz.identity.SignInThrottle;
import dev.baton.authz.token.TokenMinter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Orkes Conductor's token endpoint: an application key id and secret in, a bearer token out. The official
 * Conductor client calls it when it is given a key.
 */
@RestController
public class TokenResource {

    /** The body of a token request. */
    public record TokenRequest(String keyId, String keySecret) {}

    private final Identities identities;
    private final TokenMinter minter;
    private final SignInAudit audit;
    private final SignInThrottle throttle;

    public TokenResource(Identities identities, TokenMinter minter, SignInAudit audit, SignInThrottle throttle) {
        this.throttle = throttle;
        this.identities = identities;
        this.minter = minter;
        this.audit = audit;
    }

    @PostMapping("/api/token")
    public ResponseEntity<?> token(@RequestBody TokenRequest request) {
        if (request.keyId() == null || request.keyId().isBlank()) {
            return ProblemResponses.problem(HttpStatus.BAD_REQUEST, "keyId", "is required");
        }
        if (request.keySecret() == null || request.keySecret().isBlank()) {
            return ProblemResponses.problem(HttpStatus.BAD_REQUEST, "keySecret", "is required");
        }
        String address = SignInAudit.currentAddress();
        Optional<Identities.SignInKey> key = identities.keyForSignIn(request.keyId());
        Optional<Duration> blocked = throttle.blocked(request.keyId(), address);
        if (blocked.isPresent()) {
            audit.refusedKey(key, request.keyId(), "api-token-throttled");
            ResponseEntity<ProblemDetail> refused = ProblemResponses.problem(
                    HttpStatus.TOO_MANY_REQUESTS, "keySecret", "failed too often for this key; try again in "
                            + blocked.get().toSeconds() + " s");
            return ResponseEntity.status(refused.getStatusCode()).header("Retry-After",
                    String.valueOf(Math.max(1, blocked.get().toSeconds()))).body(refused.getBody());
        }
        Optional<Caller> caller = key.flatMap(k -> identities.signIn(k, request.keySecret()));
        if (caller.isEmpty()) {
            throttle.failed(request.keyId(), address);
            audit.refusedKey(key, request.keyId(), "api-token");
            return ProblemResponses.problem(HttpStatus.UNAUTHORIZED, "keySecret",
                    "the key does not exist, is revoked, belongs to a suspended tenant, or the secret is wrong");
        }
        throttle.succeeded(request.keyId(), address);
        audit.succeeded(caller.get(), "api-token", request.keyId());
        return ResponseEntity.ok(Map.of("token", minter.mint(caller.get(), request.keyId()), "expiresIn",
                minter.lifetime().toSeconds()));
    }
}
