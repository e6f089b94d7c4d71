package dev.baton.authz.token;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.tenancy.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.text.ParseException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * After {@code POST /oauth2/revoke} succeeded: the authorization server forgot the token, and this makes its access
 * token (the one revoked, or the one issued beside a revoked refresh token) stop working on every node, since
 * access tokens are checked without asking the authorization server.
 */
public final class RevokedTokenHandler implements AuthenticationSuccessHandler {

    private final OAuth2AuthorizationService authorizations;
    private final Revocations revocations;

    public RevokedTokenHandler(OAuth2AuthorizationService authorizations, Revocations revocations) {
        this.authorizations = authorizations;
        this.revocations = revocations;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) {
        if (authentication instanceof OAuth2TokenRevocationAuthenticationToken revoked) {
            OAuth2Authorization authorization = authorizations.findByToken(revoked.getToken(), null);
            String accessToken = authorization != null && authorization.getAccessToken() != null
                    ? authorization.getAccessToken().getToken().getTokenValue() : revoked.getToken();
            try {
                // our own signed token, found through our own authorization record: its claims need no new check
                JWTClaimsSet claims = SignedJWT.parse(accessToken).getJWTClaimsSet();
                String tenant = claims.getStringClaim(CallerClaims.TENANT);
                if (claims.getJWTID() != null && tenant != null) {
                    revocations.revokeToken(TenantId.of(tenant), claims.getJWTID());
                }
            } catch (ParseException notAJwt) {
                // an opaque token we do not issue as an access token: nothing more to revoke
            }
        }
        response.setStatus(HttpServletResponse.SC_OK);
    }
}
