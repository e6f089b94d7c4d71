package dev.baton.authz.web;

import dev.baton.authz.api.AuthzException;
import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import org.springframework.security.access.AccessDeniedException;

/** The checks of the identity endpoints: tenant administrators, and a team's own administrators. */
final class Access {

    private Access() {}

    static void requireTenantAdmin(Caller caller, String what) {
        if (!caller.tenantAdmin()) {
            throw new AccessDeniedException("missing permission: " + what + " (needs the tenant administrator role)");
        }
    }

    /** The team must exist in the caller's tenant: otherwise 404, as for any other missing resource. */
    static void requireTeam(Identities identities, Caller caller, String team) {
        if (team == null || !identities.teamExists(caller.tenant(), team)) {
            throw AuthzException.notFound("no team named '" + team + "'");
        }
    }

    static void requireTeamAdmin(Identities identities, Caller caller, String team, String what) {
        requireTeam(identities, caller, team);
        if (!caller.has(team, Role.TEAM_ADMIN)) {
            throw new AccessDeniedException("missing permission: " + what + " of team '" + team
                    + "' (needs the role TEAM_ADMIN in it, or the tenant administrator role)");
        }
    }
}
