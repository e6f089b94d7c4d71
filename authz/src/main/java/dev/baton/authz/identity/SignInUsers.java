package dev.baton.authz.identity;

import dev.baton.authz.audit.SignInAudit;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.springframework.security.authentication.LockedException;
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
    private final SignInThrottle throttle;
    private final Consumer<String> onThrottled;

    /** {@code onThrottled} hears of each sign-in refused by the throttle (Spring publishes no event for it). */
    public SignInUsers(Identities identities, SignInThrottle throttle,
            Consumer<String> onThrottled) {
        this.identities = identities;
        this.throttle = throttle;
        this.onThrottled = onThrottled;
    }

    /** The form a login is counted under by the throttle: tenant/login, lower case. */
    public static String credential(String login) {
        return Identities.qualifiedSignInName(login).toLowerCase(Locale.ROOT);
    }

    @Override
    public UserDetails loadUserByUsername(String login) {
        throttle.blocked(credential(login), SignInAudit.currentAddress()).ifPresent(wait -> {
            onThrottled.accept(login);
            throw new Throttled("too many failed sign-ins for this login; try again in " + wait.toSeconds() + " s");
        });
        return identities.userForSignIn(login)
                .map(u -> User.withUsername(u.tenant().value() + "/" + login.substring(login.indexOf('/') + 1)
                                .toLowerCase()).password(u.passwordHash())
                        .disabled(u.disabled()).accountLocked(!u.tenantActive())
                        .authorities(List.of(new SimpleGrantedAuthority("USER"))).build())
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
    }

    /** A sign-in refused, whatever the password, because its login failed too often. */
    public static final class Throttled extends LockedException {
        public Throttled(String message) {
            super(message);
        }
    }
}
