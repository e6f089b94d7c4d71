package dev.baton.authz.web;

import dev.baton.authz.identity.Identities;
import dev.baton.authz.token.TokenMinter;
import java.net.URI;
import java.util.Map;
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

    public TokenResource(Identities identities, TokenMinter minter) {
        this.identities = identities;
        this.minter = minter;
    }

    @PostMapping("/api/token")
    public ResponseEntity<?> token(@RequestBody TokenRequest request) {
        if (request.keyId() == null || request.keyId().isBlank()) {
            return problem(HttpStatus.BAD_REQUEST, "keyId", "is required");
        }
        if (request.keySecret() == null || request.keySecret().isBlank()) {
            return problem(HttpStatus.BAD_REQUEST, "keySecret", "is required");
        }
        return identities.signInWithKey(request.keyId(), request.keySecret())
                .<ResponseEntity<?>>map(caller -> ResponseEntity.ok(Map.of("token", minter.mint(caller),
                        "expiresIn", minter.lifetime().toSeconds())))
                .orElseGet(() -> problem(HttpStatus.UNAUTHORIZED, "keySecret",
                        "the key does not exist, is revoked, belongs to a suspended tenant, or the secret is wrong"));
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String field, String reason) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, field + " " + reason);
        p.setType(URI.create("https://baton.dev/problems/" + (status == HttpStatus.UNAUTHORIZED
                ? "unauthenticated" : "bad-request")));
        p.setProperty("field", field);
        return ResponseEntity.status(status).body(p);
    }
}
