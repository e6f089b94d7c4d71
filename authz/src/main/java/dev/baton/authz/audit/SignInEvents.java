package dev.baton.authz.audit;

import dev.baton.authz.identity.Identities;
import dev.baton.authz.identity.SignInThrottle;
import dev.baton.authz.identity.SignInUsers;
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
    private final SignInThrottle throttle;

    public SignInEvents(Identities identities, SignInAudit audit, SignInThrottle throttle) {
        this.identities = identities;
        this.audit = audit;
        this.throttle = throttle;
    }

    @EventListener
    public void succeeded(AuthenticationSuccessEvent event) {
        Authentication auth = event.getAuthentication();
        if (auth instanceof UsernamePasswordAuthenticationToken) {
            throttle.succeeded(SignInUsers.credential(auth.getName()), SignInAudit.currentAddress());
            identities.userForSignIn(auth.getName()).ifPresent(u -> audit.succeeded(
                    identities.userCaller(u.tenant(), u.userId()), "password", auth.getName()));
        }
    }

    @EventListener
    public void refused(AbstractAuthenticationFailureEvent event) {
        Authentication auth = event.getAuthentication();
        // the provider wraps what the user lookup throws, so the throttle's refusal may be the cause
        boolean throttled = event.getException() instanceof SignInUsers.Throttled
                || event.getException().getCause() instanceof SignInUsers.Throttled;
        String address = SignInAudit.currentAddress();
        if (auth instanceof UsernamePasswordAuthenticationToken) {
            String login = auth.getName();
            if (!throttled) {
                throttle.failed(SignInUsers.credential(login), address);
            }
            audit.refusedLogin(identities.userForSignIn(login), login, throttled ? "password-throttled" : "password");
        } else if (auth instanceof OAuth2ClientAuthenticationToken client) {
            String keyId = String.valueOf(client.getPrincipal());
            throttle.failed(keyId, address);
            audit.refusedKey(identities.keyForSignIn(keyId), keyId, "client-credentials");
        }
    }
}
