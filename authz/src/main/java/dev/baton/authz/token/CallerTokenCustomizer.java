package dev.baton.authz.token;

import dev.baton.authz.api.Caller;
import dev.baton.authz.audit.SignInAudit;
import dev.baton.authz.identity.Identities;
import java.util.List;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Writes the caller into the access tokens of the built-in authorization server, so they carry the same claims as
 * key tokens: an application key for the client-credentials grant, the signed-in user for the authorization-code
 * grant.
 */
public final class CallerTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final Identities identities;
    private final SignInAudit audit;

    public CallerTokenCustomizer(Identities identities, SignInAudit audit) {
        this.identities = identities;
        this.audit = audit;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            return;
        }
        Caller caller = resolve(context);
        audit.succeeded(caller, context.getAuthorizationGrantType().getValue().replace('_', '-'),
                context.getRegisteredClient().getClientId());
        context.getClaims().audience(new java.util.ArrayList<>(List.of(CallerClaims.AUDIENCE)))
                .subject(caller.subject());
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            context.getClaims().claim(Revocations.KEY_CLAIM, context.getRegisteredClient().getClientId());
        }
        CallerClaims.of(caller).forEach(context.getClaims()::claim);
    }

    private Caller resolve(JwtEncodingContext context) {
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            String keyId = context.getRegisteredClient().getClientId();
            return identities.keyForSignIn(keyId).filter(k -> !k.revoked() && k.tenantActive())
                    .map(k -> identities.applicationCaller(k.tenant(), k.applicationId()))
                    .orElseThrow(() -> refused("the key " + keyId + " is revoked or its tenant is suspended"));
        }
        String login = context.getPrincipal().getName();
        return identities.userForSignIn(login).filter(u -> !u.disabled() && u.tenantActive())
                .map(u -> identities.userCaller(u.tenant(), u.userId()))
                .orElseThrow(() -> refused("the user " + login + " is disabled or its tenant is suspended"));
    }

    private static OAuth2AuthenticationException refused(String why) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED, why, null));
    }
}

