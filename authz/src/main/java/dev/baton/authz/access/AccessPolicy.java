package dev.baton.authz.access;

import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;

/**
 * Decides what a caller may do with a resource, from the teams it belongs to, their roles, which team owns the
 * resource and what other teams were granted. Also keeps the ownership and grant records themselves.
 */
public final class AccessPolicy {

    /** A team's standing on one resource: the owner, or a grantee with some access. */
    private record Standing(String team, Set<Access> granted) {
        boolean owner() {
            return granted == null;
        }
    }

    /** Who owns a resource and what other teams were granted on it. */
    public record Standings(Optional<String> owner, Map<String, Set<Access>> grants) {

        /**
         * Why {@code team} may not use the resource with {@code access}: empty when it owns it, was granted it, or
         * nobody owns it (a definition made before teams, left to tenant administrators).
         */
        public Optional<String> refusal(String team, Access access, ResourceType type, String name) {
            if (owner.isEmpty() || owner.get().equals(team)
                    || grants.getOrDefault(team, Set.of()).stream().anyMatch(a -> a.covers(access))) {
                return Optional.empty();
            }
            return Optional.of("team '" + team + "' may not use " + type.noun() + " '" + name + "': team '"
                    + owner.get() + "' owns it and has not granted " + access + " on it to '" + team + "'");
        }
    }

    /** A grant as listed. */
    public record Grant(ResourceType resourceType, String resourceName, String team, Set<Access> access) {}

    private final TenantTransactions tx;
    private final JdbcClient jdbc;

    public AccessPolicy(TenantTransactions tx, JdbcClient jdbc) {
        this.tx = tx;
        this.jdbc = jdbc;
    }

    public boolean allows(Caller caller, Permission permission, ResourceType type, String name) {
        return caller.tenantAdmin() || actingTeam(caller, permission, type, name).isPresent();
    }

    /**
     * Refuses with the missing permission named unless the caller holds it; returns the team through which the
     * caller holds it (empty for a tenant administrator acting as such), for the audit trail.
     */
    public Optional<String> require(Caller caller, Permission permission, ResourceType type, String name) {
        if (caller.tenantAdmin()) {
            return Optional.empty();
        }
        Optional<String> team = actingTeam(caller, permission, type, name);
        if (team.isEmpty()) {
            throw new AccessDeniedException("missing permission: " + permission.describe(type, name));
        }
        return team;
    }

    /** The first of the caller's teams through which it holds the permission on the resource. */
    private Optional<String> actingTeam(Caller caller, Permission permission, ResourceType type, String name) {
        if (!holdsAnyRole(caller, permission)) {
            return Optional.empty();
        }
        for (Standing s : standings(caller.tenant(), type, name)) {
            if (qualifies(caller, permission, s.team()) && (s.owner() || s.granted().stream()
                    .anyMatch(a -> a.covers(permission.access())))) {
                return Optional.of(s.team());
            }
        }
        return Optional.empty();
    }

    /**
     * The names of resources of {@code type} on which the caller holds {@code permission}; empty when the caller is
     * not restricted at all (a tenant administrator).
     */
    public Optional<Set<String>> permitted(Caller caller, Permission permission, ResourceType type) {
        if (caller.tenantAdmin()) {
            return Optional.empty();
        }
        List<String> teams = caller.teams().entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(permission.roles()::contains)).map(Map.Entry::getKey)
                .toList();
        if (teams.isEmpty()) {
            return Optional.of(Set.of());
        }
        String[] teamArray = teams.toArray(String[]::new);
        List<String> wanted = new ArrayList<>();
        for (Access a : Access.values()) {
            if (a.covers(permission.access())) {
                wanted.add(a.name());
            }
        }
        return Optional.of(tx.read(caller.tenant(), () -> new HashSet<>(jdbc.sql("""
                SELECT resource_name FROM resource_owners WHERE resource_type = ? AND team = ANY (?::text[])
                UNION
                SELECT resource_name FROM grants WHERE resource_type = ? AND team = ANY (?::text[])
                  AND access && ?::text[]
                """).params(type.name(), teamArray, type.name(), teamArray, wanted.toArray(String[]::new))
                .query(String.class).list())));
    }

    /** Every owned resource of {@code type}, by name, with its owning team: one read for a whole list. */
    public Map<String, String> owners(TenantId tenant, ResourceType type) {
        return tx.read(tenant, () -> {
            Map<String, String> owners = new java.util.HashMap<>();
            jdbc.sql("SELECT resource_name, team FROM resource_owners WHERE resource_type = ?").param(type.name())
                    .query((java.sql.ResultSet rs) -> {
                        owners.put(rs.getString(1), rs.getString(2));
                    });
            return owners;
        });
    }

    public Optional<String> owner(TenantId tenant, ResourceType type, String name) {
        return tx.read(tenant, () -> jdbc.sql("SELECT team FROM resource_owners WHERE resource_type = ? "
                + "AND resource_name = ?").params(type.name(), name).query(String.class).optional());
    }

    /** Records {@code team} as the owner unless the resource already has one; joins the caller's transaction. */
    public void claim(TenantId tenant, ResourceType type, String name, String team) {
        tx.run(tenant, () -> jdbc.sql("INSERT INTO resource_owners (tenant_id, resource_type, resource_name, team) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING").params(tenant.value(), type.name(), name, team)
                .update());
    }

    /** Forgets the owner and every grant of a deleted resource. */
    public void release(TenantId tenant, ResourceType type, String name) {
        tx.run(tenant, () -> {
            jdbc.sql("DELETE FROM resource_owners WHERE resource_type = ? AND resource_name = ?")
                    .params(type.name(), name).update();
            jdbc.sql("DELETE FROM grants WHERE resource_type = ? AND resource_name = ?")
                    .params(type.name(), name).update();
        });
    }

    public void grant(TenantId tenant, Grant grant) {
        tx.run(tenant, () -> jdbc.sql("INSERT INTO grants (tenant_id, resource_type, resource_name, team, access) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, resource_type, resource_name, team) "
                + "DO UPDATE SET access = excluded.access").params(tenant.value(), grant.resourceType().name(),
                        grant.resourceName(), grant.team(), grant.access().stream().map(Access::name).sorted()
                                .toArray(String[]::new)).update());
    }

    /** Removes a team's grant; false if there was none. */
    public boolean revoke(TenantId tenant, ResourceType type, String name, String team) {
        return tx.write(tenant, () -> jdbc.sql("DELETE FROM grants WHERE resource_type = ? AND resource_name = ? "
                + "AND team = ?").params(type.name(), name, team).update() == 1);
    }

    public List<Grant> grants(TenantId tenant, ResourceType type, String name) {
        return tx.read(tenant, () -> jdbc.sql("SELECT team, access FROM grants WHERE resource_type = ? "
                + "AND resource_name = ? ORDER BY team").params(type.name(), name)
                .query((rs, n) -> new Grant(type, name, rs.getString("team"), accessSet(rs.getArray("access"))))
                .list());
    }

    /** The owner of a resource and its grants, as one read. */
    public Standings standingsOf(TenantId tenant, ResourceType type, String name) {
        Optional<String> owner = Optional.empty();
        Map<String, Set<Access>> grants = new java.util.HashMap<>();
        for (Standing s : standings(tenant, type, name)) {
            if (s.owner()) {
                owner = Optional.of(s.team());
            } else {
                grants.put(s.team(), s.granted());
            }
        }
        return new Standings(owner, grants);
    }

    private List<Standing> standings(TenantId tenant, ResourceType type, String name) {
        return tx.read(tenant, () -> jdbc.sql("""
                SELECT team, NULL::text[] AS access FROM resource_owners WHERE resource_type = ? AND resource_name = ?
                UNION ALL
                SELECT team, access FROM grants WHERE resource_type = ? AND resource_name = ?
                """).params(type.name(), name, type.name(), name).query((rs, n) -> new Standing(rs.getString("team"),
                        rs.getArray("access") == null ? null : accessSet(rs.getArray("access")))).list());
    }

    private static boolean holdsAnyRole(Caller caller, Permission permission) {
        return caller.teams().values().stream().anyMatch(roles -> roles.stream()
                .anyMatch(permission.roles()::contains));
    }

    private static boolean qualifies(Caller caller, Permission permission, String team) {
        Set<Role> roles = caller.teams().get(team);
        return roles != null && roles.stream().anyMatch(permission.roles()::contains);
    }

    private static Set<Access> accessSet(Array array) throws SQLException {
        Set<Access> set = EnumSet.noneOf(Access.class);
        for (Object a : (Object[]) array.getArray()) {
            set.add(Access.valueOf((String) a));
        }
        return set;
    }
}
