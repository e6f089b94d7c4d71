package dev.baton.authz.token;

import dev.baton.authz.api.Caller;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/** An authenticated request: the caller its token stands for, and the token itself. */
public final class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;
    private final transient Jwt token;

    public CallerAuthentication(Caller caller, Jwt token) {
        super(caller.tenantAdmin() ? List.of(new SimpleGrantedAuthority("TENANT_ADMIN")) : List.of());
        this.caller = caller;
        this.token = token;
        setAuthenticated(true);
    }

    public Caller caller() {
        return caller;
    }

    @Override
    public Object getPrincipal() {
        return caller;
    }

    @Override
    public Object getCredentials() {
        return token;
    }

    @Override
    public String getName() {
        return caller.subject();
    }
}
