package dev.baton.authz.api;

import dev.baton.tenancy.TenantId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is calling, however they signed in: the same shape for a user of the built-in server, a user of an external
 * issuer and an application key.
 *
 * @param tenant the tenant every call of this caller acts in; it comes from the token, never from the request
 * @param subject a stable id of the user or application
 * @param kind whether a person or a program is calling
 * @param name a readable name for audit entries and the console
 * @param tenantAdmin whether the caller administers the whole tenant
 * @param teams the caller's roles in each team it belongs to
 * @param platformOperator whether the caller manages the installation's tenants
 */
public record Caller(TenantId tenant, String subject, Kind kind, String name, boolean tenantAdmin,
        Map<String, Set<Role>> teams, boolean platformOperator) {

    /** A person or a program. */
    public enum Kind {
        USER, APPLICATION
    }

    public Caller {
        teams = Map.copyOf(teams);
    }

    /** The teams, by name, in which the caller holds at least one of {@code roles}. */
    public List<String> teamsWithAnyOf(Set<Role> roles) {
        return teams.entrySet().stream().filter(e -> e.getValue().stream().anyMatch(roles::contains))
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** Whether the caller holds {@code role} in {@code team} (tenant administrators hold every role). */
    public boolean has(String team, Role role) {
        return tenantAdmin || teams.getOrDefault(team, Set.of()).contains(role);
    }
}
