package dev.baton.authz.web;

import dev.baton.authz.api.AuthzException;
import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Teams and their members: tenant administrators manage teams; a team's TEAM_ADMINs manage its members. */
@RestController
@RequestMapping("/api/teams")
public class TeamResource {

    /** A new team. */
    public record NewTeam(String name, String description) {}

    /** A member's roles in a team. */
    public record Roles(Set<Role> roles) {}

    private static final Pattern TEAM_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private final Identities identities;

    public TeamResource(Identities identities) {
        this.identities = identities;
    }

    @GetMapping
    public List<Identities.TeamInfo> teams(@AuthenticationPrincipal Caller caller) {
        return identities.teams(caller.tenant()).stream()
                .filter(t -> caller.tenantAdmin() || caller.teams().containsKey(t.name())).toList();
    }

    @PostMapping
    public Identities.TeamInfo create(@AuthenticationPrincipal Caller caller, @RequestBody NewTeam team) {
        Access.requireTenantAdmin(caller, "create teams");
        if (team.name() == null || !TEAM_NAME.matcher(team.name()).matches()) {
            throw AuthzException.invalid("name", "must be 1-63 lower-case letters, digits, '-' or '_', starting "
                    + "with a letter or digit");
        }
        try {
            identities.createTeam(caller.tenant(), team.name(), team.description());
        } catch (DuplicateKeyException e) {
            throw AuthzException.conflict("name", "a team named '" + team.name() + "' exists");
        }
        return new Identities.TeamInfo(team.name(), team.description());
    }

    @DeleteMapping("/{team}")
    public void delete(@AuthenticationPrincipal Caller caller, @PathVariable String team) {
        Access.requireTenantAdmin(caller, "delete teams");
        if (!identities.deleteTeam(caller.tenant(), team)) {
            throw AuthzException.notFound("no team named '" + team + "'");
        }
    }

    @GetMapping("/{team}/members")
    public List<Identities.Member> members(@AuthenticationPrincipal Caller caller, @PathVariable String team) {
        Access.requireTeam(identities, caller, team);
        if (!caller.tenantAdmin() && !caller.teams().containsKey(team)) {
            throw new AccessDeniedException("missing permission: list the members of team '" + team
                    + "' (needs membership of it)");
        }
        return identities.members(caller.tenant(), team);
    }

    @PutMapping("/{team}/members/{userId}")
    public void setMember(@AuthenticationPrincipal Caller caller, @PathVariable String team,
            @PathVariable UUID userId, @RequestBody Roles roles) {
        Access.requireTeamAdmin(identities, caller, team, "manage its members");
        if (roles.roles() == null || roles.roles().isEmpty()) {
            throw AuthzException.invalid("roles", "must name at least one of " + EnumSet.allOf(Role.class));
        }
        if (!identities.userExists(caller.tenant(), userId)) {
            throw AuthzException.notFound("no user " + userId);
        }
        identities.addMember(caller.tenant(), team, userId, roles.roles());
    }

    @DeleteMapping("/{team}/members/{userId}")
    public void removeMember(@AuthenticationPrincipal Caller caller, @PathVariable String team,
            @PathVariable UUID userId) {
        Access.requireTeamAdmin(identities, caller, team, "manage its members");
        if (!identities.removeMember(caller.tenant(), team, userId)) {
            throw AuthzException.notFound("user " + userId + " is not a member of team '" + team + "'");
        }
    }
}
