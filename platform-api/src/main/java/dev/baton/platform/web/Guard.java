package dev.baton.platform.web;

import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.authz.audit.AuditFilter;
import dev.baton.authz.identity.Identities;
import dev.baton.engine.api.EngineException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** The API's permission checks, in terms of the current caller; the engine behind it never sees a caller. */
@Component
public class Guard {

    private static final Set<Role> AUTHORING = Set.of(Role.AUTHOR, Role.TEAM_ADMIN);

    private final AccessPolicy policy;
    private final CurrentTenant current;
    private final Identities identities;

    public Guard(AccessPolicy policy, CurrentTenant current, Identities identities) {
        this.policy = policy;
        this.current = current;
        this.identities = identities;
    }

    public void require(Permission permission, ResourceType type, String name) {
        policy.require(current.caller(), permission, type, name).ifPresent(Guard::actingThrough);
    }

    /** Tells the audit trail which team this request acts for. */
    private static void actingThrough(String team) {
        if (RequestContextHolder.getRequestAttributes() != null) {
            RequestContextHolder.getRequestAttributes().setAttribute(AuditFilter.ACTING_TEAM, team,
                    RequestAttributes.SCOPE_REQUEST);
        }
    }

    public boolean allows(Permission permission, ResourceType type, String name) {
        return policy.allows(current.caller(), permission, type, name);
    }

    /** The resource names the caller may act on with {@code permission}; empty when unrestricted. */
    public Optional<Set<String>> permitted(Permission permission, ResourceType type) {
        return policy.permitted(current.caller(), permission, type);
    }

    /** Whether the caller may act on a resource of that name with {@code permission}, asked once for a listing. */
    public Predicate<String> permits(Permission permission, ResourceType type) {
        Optional<Set<String>> names = permitted(permission, type);
        return name -> names.map(n -> n.contains(name)).orElse(true);
    }

    /**
     * Of the names a query asks for ({@code wanted}; none means any), those the caller may act on: empty when that
     * leaves none, the names asked for (possibly none) when the caller is unrestricted.
     */
    public Optional<List<String>> narrow(Permission permission, ResourceType type, List<String> wanted) {
        Optional<Set<String>> names = permitted(permission, type);
        List<String> asked = wanted == null ? List.of() : wanted;
        if (names.isEmpty()) {
            return Optional.of(asked);
        }
        List<String> allowed = asked.isEmpty() ? List.copyOf(names.get())
                : asked.stream().filter(names.get()::contains).toList();
        return allowed.isEmpty() ? Optional.empty() : Optional.of(allowed);
    }

    public Optional<String> owner(ResourceType type, String name) {
        return policy.owner(current.get(), type, name);
    }

    /**
     * The team that will own a definition the caller registers under a new name: the one named, or else the only
     * team the caller authors in.
     */
    public String owningTeamForNew(String requested) {
        Caller caller = current.caller();
        if (requested != null) {
            if (!identities.teamExists(caller.tenant(), requested)) {
                throw EngineException.invalid("team", "there is no team '" + requested + "'");
            }
            if (!caller.tenantAdmin() && caller.teams().getOrDefault(requested, Set.of()).stream()
                    .noneMatch(AUTHORING::contains)) {
                throw new AccessDeniedException("missing permission: register definitions for team '" + requested
                        + "' (needs the role AUTHOR or TEAM_ADMIN in it)");
            }
            return requested;
        }
        List<String> authoring = caller.teamsWithAnyOf(AUTHORING);
        if (authoring.size() == 1) {
            return authoring.get(0);
        }
        if (authoring.isEmpty() && !caller.tenantAdmin()) {
            throw new AccessDeniedException("missing permission: register definitions (needs the role AUTHOR or "
                    + "TEAM_ADMIN in a team)");
        }
        throw EngineException.invalid("team", authoring.isEmpty()
                ? "name the team that will own the definition with ?team="
                : "you author in several teams " + authoring + "; name the one that will own it with ?team=");
    }

    /**
     * The team an inline definition started by the caller runs for: the one named, else the only team the caller
     * authors in; null for a tenant administrator who authors in no team (acting as administrator).
     */
    public String actingTeamForInline(String requested) {
        Caller caller = current.caller();
        if (requested == null && caller.tenantAdmin() && caller.teamsWithAnyOf(AUTHORING).isEmpty()) {
            return null;
        }
        return owningTeamForNew(requested);
    }

    /** Refuses callers who author in no team (validating a definition is an author's tool). */
    public void requireAuthor() {
        Caller caller = current.caller();
        if (!caller.tenantAdmin() && caller.teamsWithAnyOf(AUTHORING).isEmpty()) {
            throw new AccessDeniedException("missing permission: validate definitions (needs the role AUTHOR or "
                    + "TEAM_ADMIN in a team)");
        }
    }

    /**
     * Before a definition under {@code name} is written: its owning team's authors may change it; a new name is
     * claimed for a team (the returned one); a definition without an owner (made before teams existed) is left to
     * tenant administrators, who give it to a team by changing it.
     */
    public Optional<String> beforeWriting(ResourceType type, String name, boolean exists, String requestedTeam) {
        if (owner(type, name).isPresent()) {
            require(Permission.CHANGE_DEFINITION, type, name);
            return Optional.empty();
        }
        if (exists && !current.caller().tenantAdmin()) {
            throw new AccessDeniedException("missing permission: change definition on " + type.noun() + " '" + name
                    + "' (it has no owning team yet; a tenant administrator must give it one)");
        }
        String team = owningTeamForNew(requestedTeam);
        actingThrough(team);
        return Optional.of(team);
    }

    public void claim(ResourceType type, String name, String team) {
        policy.claim(current.get(), type, name, team);
    }

    public void release(ResourceType type, String name) {
        policy.release(current.get(), type, name);
    }
}
