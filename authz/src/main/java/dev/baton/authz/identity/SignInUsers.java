package dev.baton.authz.identity;

import java.util.List;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The login page's view of users: a sign-in name ({@code tenant/login}, or a bare login of the {@code default}
 * tenant), its password hash, and whether it may sign in now.
 */
public final class SignInUsers implements UserDetailsService {

    private final Identities identities;

    public SignInUsers(Identities identities) {
        this.identities = identities;
    }

    @Override
    public UserDetails loadUserByUsername(String login) {
        return identities.userForSignIn(login)
                .map(u -> User.withUsername(u.tenant().value() + "/" + login.substring(login.indexOf('/') + 1)
                                .toLowerCase()).password(u.passwordHash())
                        .disabled(u.disabled()).accountLocked(!u.tenantActive())
                        .authorities(List.of(new SimpleGrantedAuthority("USER"))).build())
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
    }
}
