package dev.baton.authz.web;

import dev.baton.authz.api.AuthzException;
import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** People who sign in through the built-in server: tenant administrators create them; team admins list them. */
@RestController
@RequestMapping("/api/users")
public class UserResource {

    /** A new user; the password is stored only as a bcrypt hash. */
    public record NewUser(String login, String displayName, String password, Boolean tenantAdmin) {}

    private static final Pattern LOGIN = Pattern.compile("[a-z0-9][a-z0-9._@+-]{0,199}");

    private final Identities identities;

    public UserResource(Identities identities) {
        this.identities = identities;
    }

    @GetMapping
    public List<Identities.UserInfo> users(@AuthenticationPrincipal Caller caller) {
        if (!caller.tenantAdmin() && caller.teams().values().stream().noneMatch(r -> r.contains(Role.TEAM_ADMIN))) {
            throw new AccessDeniedException("missing permission: list users (needs the role TEAM_ADMIN in a team, "
                    + "or the tenant administrator role)");
        }
        return identities.users(caller.tenant());
    }

    @PostMapping
    public Identities.UserInfo create(@AuthenticationPrincipal Caller caller, @RequestBody NewUser user) {
        Access.requireTenantAdmin(caller, "create users");
        String login = user.login() == null ? null : user.login().toLowerCase();
        if (login == null || !LOGIN.matcher(login).matches()) {
            throw AuthzException.invalid("login", "must be 1-200 letters, digits or . _ @ + -, such as an email address");
        }
        if (user.password() == null || user.password().length() < 12 || user.password().length() > 72) {
            throw AuthzException.invalid("password", "must be 12 to 72 characters long");
        }
        boolean admin = Boolean.TRUE.equals(user.tenantAdmin());
        String name = user.displayName() == null || user.displayName().isBlank() ? login : user.displayName();
        UUID id;
        try {
            id = identities.createUser(caller.tenant(), login, name, user.password(), admin);
        } catch (DuplicateKeyException e) {
            throw AuthzException.conflict("login", "the login '" + login + "' is taken");
        }
        return new Identities.UserInfo(id, login, name, admin, false);
    }
}
