package dev.baton.authz.audit;

import dev.baton.authz.identity.Identities;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;

/**
 * Turns Spring Security's sign-in events into audit entries: the login page's password sign-ins, and refused
 * client authentication at the token endpoint. (Issued tokens are recorded where they are made, and bearer-token
 * checks on every API call are not sign-ins.)
 */
public final class SignInEvents {

    private final Identities identities;
    private final SignInAudit audit;

    public SignInEvents(Identities identities, SignInAudit audit) {
        this.identities = identities;
        this.audit = audit;
    }

    @EventListener
    public void succeeded(AuthenticationSuccessEvent event) {
        Authentication auth = event.getAuthentication();
        if (auth instanceof UsernamePasswordAuthenticationToken) {
            identities.userForSignIn(auth.getName()).ifPresent(u -> audit.succeeded(
                    identities.userCaller(u.tenant(), u.userId()), "password", auth.getName()));
        }
    }

    @EventListener
    public void refused(AbstractAuthenticationFailureEvent event) {
        Authentication auth = event.getAuthentication();
        if (auth instanceof UsernamePasswordAuthenticationToken) {
            String login = auth.getName();
            identities.userForSignIn(login).ifPresentOrElse(
                    u -> audit.refused(u.tenant(), login, "USER", "password"),
                    () -> audit.refusedUnknown(login, "password"));
        } else if (auth instanceof OAuth2ClientAuthenticationToken client) {
            String keyId = String.valueOf(client.getPrincipal());
            identities.keyForSignIn(keyId).ifPresentOrElse(
                    k -> audit.refused(k.tenant(), keyId, "APPLICATION", "client-credentials"),
                    () -> audit.refusedUnknown(keyId, "client-credentials"));
        }
    }
}
