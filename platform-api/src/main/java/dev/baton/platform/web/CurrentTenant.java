package dev.baton.platform.web;

import dev.baton.authz.api.Caller;
import dev.baton.authz.token.CallerAuthentication;
import dev.baton.tenancy.TenantId;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** The tenant and caller a request acts for: always from the caller's validated token, never from the request. */
@Component
public class CurrentTenant {

    public TenantId get() {
        return caller().tenant();
    }

    public Caller caller() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof CallerAuthentication signedIn) {
            return signedIn.caller();
        }
        throw new AuthenticationCredentialsNotFoundException("this call needs a signed-in caller");
    }
}
