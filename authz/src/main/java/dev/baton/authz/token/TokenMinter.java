package dev.baton.authz.token;

import dev.baton.authz.api.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/** Issues access tokens for callers who signed in with an application key (Orkes' {@code POST /api/token}). */
public final class TokenMinter {

    private final JwtEncoder encoder;
    private final Clock clock;
    private final String issuer;
    private final Duration lifetime;

    public TokenMinter(JwtEncoder encoder, Clock clock, String issuer, Duration lifetime) {
        this.encoder = encoder;
        this.clock = clock;
        this.issuer = issuer;
        this.lifetime = lifetime;
    }

    /** A token for {@code caller}, who signed in with the application key {@code keyId} (named in the token). */
    public String mint(Caller caller, String keyId) {
        Instant now = clock.instant();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder().issuer(issuer).subject(caller.subject())
                .audience(List.of(CallerClaims.AUDIENCE)).issuedAt(now).expiresAt(now.plus(lifetime))
                .id(UUID.randomUUID().toString()).claim(Revocations.KEY_CLAIM, keyId);
        CallerClaims.of(caller).forEach(claims::claim);
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(),
                claims.build())).getTokenValue();
    }

    public Duration lifetime() {
        return lifetime;
    }
}
