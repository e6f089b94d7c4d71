package dev.baton.authz.token;

import dev.baton.authz.identity.ExternalIssuers;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerAuthenticationManagerResolver;

/**
 * Chooses how to check a bearer token by its issuer: this installation's own tokens against its own keys; a
 * registered external issuer's tokens against that issuer's published keys (OpenID discovery), for an audience
 * some tenant registered; any other issuer is refused.
 */
public final class IssuerAuthentication implements AuthenticationManagerResolver<String> {

    private final String ownIssuer;
    private final JwtDecoder ownDecoder;
    private final ExternalIssuers external;
    private final IssuerDiscovery discovery;
    private final Revocations revocations;
    private final VerifiedTokens verified = new VerifiedTokens(10_000);
    private final OutboundAddressPolicy outbound;

    /** Where a person of an external issuer signs in, and where their code is exchanged for tokens. */
    public record SignInEndpoints(URI authorization, URI token) {}

    public IssuerAuthentication(String ownIssuer, JwtDecoder ownDecoder, ExternalIssuers external,
            OutboundAddressPolicy outbound, Clock clock, Revocations revocations) {
        this.revocations = revocations;
        this.outbound = outbound;
        this.ownIssuer = ownIssuer;
        this.discovery = new IssuerDiscovery(outbound, clock);
        this.ownDecoder = ownDecoder;
        this.external = external;
    }

    /**
     * The sign-in endpoints of an external issuer, from its discovery document: the browser is sent to the first,
     * this server calls the second (so it must pass the outbound policy). Throws IllegalStateException saying why
     * there are none.
     */
    public SignInEndpoints signInEndpoints(String issuer) {
        IssuerDiscovery.Discovered found;
        try {
            found = discovery.discovered(issuer);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (found.authorizationEndpoint() == null || found.tokenEndpoint() == null) {
            throw new IllegalStateException("the issuer " + issuer + " names no authorization or token endpoint");
        }
        URI authorization;
        try {
            // the discovery document is the issuer's, that is a tenant's, to write: a malformed URL is refused
            authorization = URI.create(found.authorizationEndpoint());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the issuer's authorization endpoint is not a URL", e);
        }
        if (!authorization.isAbsolute() || !(authorization.getScheme().equalsIgnoreCase("https")
                || authorization.getScheme().equalsIgnoreCase("http"))) {
            throw new IllegalStateException("the issuer's authorization endpoint is not an http(s) URL");
        }
        try {
            return new SignInEndpoints(authorization, outbound.check(found.tokenEndpoint()));
        } catch (OutboundAddressPolicy.RefusedAddressException e) {
            throw new IllegalStateException("the issuer's token endpoint " + e.getMessage(), e);
        }
    }

    /**
     * The API's authentication: a token this node has verified before is known by its text alone, before Spring
     * Security's issuer lookup, which parses the JWT again for its {@code iss} claim on every call (3% of a
     * worker's call); any other token is checked by its issuer, as {@link #resolve} says.
     */
    public AuthenticationManagerResolver<HttpServletRequest> byRequest() {
        JwtIssuerAuthenticationManagerResolver byIssuer = new JwtIssuerAuthenticationManagerResolver(this);
        return request -> authentication -> {
            CallerAuthentication known = authentication instanceof BearerTokenAuthenticationToken bearer
                    ? remembered(bearer.getToken()) : null;
            return known != null ? known : byIssuer.resolve(request).authenticate(authentication);
        };
    }

    @Override
    public AuthenticationManager resolve(String issuer) {
        if (ownIssuer.equals(issuer)) {
            return authentication -> {
                String token = ((BearerTokenAuthenticationToken) authentication).getToken();
                CallerAuthentication known = remembered(token);
                if (known != null) {
                    return known;
                }
                Jwt jwt = decode(ownDecoder, authentication);
                requireNotRevoked(jwt);
                CallerAuthentication signedIn = new CallerAuthentication(CallerClaims.from(jwt), jwt);
                verified.put(token, signedIn, jwt.getExpiresAt());
                return signedIn;
            };
        }
        List<ExternalIssuers.Provider> providers = external.forIssuer(issuer);
        if (providers.isEmpty()) {
            return null; // refused as an untrusted issuer
        }
        return authentication -> {
            JwtDecoder decoder;
            try {
                decoder = discovery.decoderFor(issuer);
            } catch (RuntimeException e) {
                // an issuer we cannot reach or may not reach makes its tokens unusable: 401, never 500
                throw new InvalidBearerTokenException(e.getMessage());
            }
            Jwt jwt = decode(decoder, authentication);
            List<String> audiences = jwt.getAudience() == null ? List.of() : jwt.getAudience();
            ExternalIssuers.Provider provider = providers.stream()
                    .filter(p -> audiences.contains(p.audience())).findFirst()
                    .orElseThrow(() -> new InvalidBearerTokenException("no tenant accepts tokens of " + issuer
                            + " for the audience " + audiences));
            if (!provider.tenantActive()) {
                throw new InvalidBearerTokenException("the tenant of this issuer is suspended");
            }
            try {
                return new CallerAuthentication(external.callerFor(provider, jwt), jwt);
            } catch (IllegalArgumentException e) {
                throw new InvalidBearerTokenException(e.getMessage());
            }
        };
    }

    /** The caller of a token this node verified before and that is not revoked since; null when not verified. */
    private CallerAuthentication remembered(String token) {
        CallerAuthentication known = verified.get(token);
        if (known != null) {
            requireNotRevoked(known.token());
        }
        return known;
    }

    private void requireNotRevoked(Jwt jwt) {
        revocations.refusal(jwt).ifPresent(reason -> {
            throw new InvalidBearerTokenException(reason);
        });
    }

    private static Jwt decode(JwtDecoder decoder, org.springframework.security.core.Authentication authentication) {
        try {
            return decoder.decode(((BearerTokenAuthenticationToken) authentication).getToken());
        } catch (JwtException | OutboundAddressPolicy.RefusedAddressException
                | OutboundAddressPolicy.OutboundCallException e) {
            throw new InvalidBearerTokenException(e.getMessage(), e);
        }
    }
}
