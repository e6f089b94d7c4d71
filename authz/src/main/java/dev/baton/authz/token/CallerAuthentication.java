package dev.baton.authz.token;

import dev.baton.authz.api.Caller;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/** An authenticated request: the caller its token stands for, and the token itself. */
public final class CallerAuthentication extends AbstractAuthenticationToken {

    /** The authority of a platform operator (who may also read the actuator's metrics). */
    public static final String PLATFORM_OPERATOR = "PLATFORM_OPERATOR";

    private final Caller caller;
    private final transient Jwt token;

    public CallerAuthentication(Caller caller, Jwt token) {
        super(authorities(caller));
        this.caller = caller;
        this.token = token;
        setAuthenticated(true);
    }

    private static List<SimpleGrantedAuthority> authorities(Caller caller) {
        List<SimpleGrantedAuthority> granted = new java.util.ArrayList<>();
        if (caller.tenantAdmin()) {
            granted.add(new SimpleGrantedAuthority("TENANT_ADMIN"));
        }
        if (caller.platformOperator()) {
            granted.add(new SimpleGrantedAuthority(PLATFORM_OPERATOR));
        }
        return granted;
    }

    public Caller caller() {
        return caller;
    }

    /** The validated token this caller signed in with. */
    public Jwt token() {
        return token;
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
