package dev.baton.authz.identity;

import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jwt.Jwt;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The external OpenID Connect issuers tenants registered, and how a token from one becomes a {@link Caller}: the
 * registration's tenant, the user from a claim, teams and roles from the token's groups.
 */
public final class ExternalIssuers {

    /** Members of {@code group} (as the issuer names it) get {@code roles} in {@code team}. */
    public record GroupMapping(String group, String team, Set<Role> roles) {}

    /**
     * One tenant's registration of an issuer for one audience.
     *
     * @param consoleClientId the client id the console signs people in with at this issuer (a public client,
     *     authorization code with PKCE); null when people of this issuer do not use the console
     */
    public record Provider(TenantId tenant, UUID id, String issuer, String audience, String userClaim,
            String nameClaim, String groupsClaim, List<GroupMapping> groupMappings, String adminGroup,
            String consoleClientId, boolean tenantActive) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration CACHE_FOR = Duration.ofSeconds(10);

    private record Cached(List<Provider> providers, Instant loadedAt) {}

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, Cached> byIssuer = new ConcurrentHashMap<>();

    public ExternalIssuers(TenantTransactions tx, JdbcClient jdbc, Clock clock) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Every registration of the issuer, in any tenant; cached for a few seconds. */
    public List<Provider> forIssuer(String issuer) {
        Instant now = clock.instant();
        Cached c = byIssuer.get(issuer);
        if (c == null || c.loadedAt().plus(CACHE_FOR).isBefore(now)) {
            c = new Cached(jdbc.sql("SELECT * FROM identity_providers_for(?)").param(issuer)
                    .query((rs, n) -> read(TenantId.of(rs.getString("tenant_id")), rs,
                            "ACTIVE".equals(rs.getString("tenant_status")))).list(), now);
            byIssuer.put(issuer, c);
        }
        return c.providers();
    }

    public List<Provider> list(TenantId tenant) {
        return tx.read(tenant, () -> jdbc.sql("SELECT * FROM identity_providers ORDER BY issuer, audience")
                .query((rs, n) -> read(tenant, rs, true)).list());
    }

    /** The tenant's issuers people may sign in to the console with. */
    public List<Provider> forConsole(TenantId tenant) {
        return list(tenant).stream().filter(p -> p.consoleClientId() != null).toList();
    }

    public Provider register(TenantId tenant, Provider p) {
        UUID id = UUID.randomUUID();
        tx.run(tenant, () -> jdbc.sql("INSERT INTO identity_providers (tenant_id, id, issuer, audience, user_claim, "
                + "name_claim, groups_claim, group_mappings, admin_group, console_client_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)")
                .params(tenant.value(), id, p.issuer(), p.audience(), p.userClaim(), p.nameClaim(), p.groupsClaim(),
                        JSON.writeValueAsString(p.groupMappings()), p.adminGroup(), p.consoleClientId()).update());
        byIssuer.remove(p.issuer());
        return new Provider(tenant, id, p.issuer(), p.audience(), p.userClaim(), p.nameClaim(), p.groupsClaim(),
                p.groupMappings(), p.adminGroup(), p.consoleClientId(), true);
    }

    /** Removes the registration; false if the tenant has none with that id. */
    public boolean delete(TenantId tenant, UUID id) {
        String issuer = tx.write(tenant, () -> jdbc.sql("DELETE FROM identity_providers WHERE id = ? RETURNING issuer")
                .param(id).query(String.class).optional().orElse(null));
        if (issuer != null) {
            byIssuer.remove(issuer);
        }
        return issuer != null;
    }

    /** The caller a validated token of this registration stands for. */
    public Caller callerFor(Provider p, Jwt jwt) {
        String user = jwt.getClaimAsString(p.userClaim());
        if (user == null || user.isBlank() || user.length() > 255) {
            throw new IllegalArgumentException("the token has no '" + p.userClaim() + "' claim of at most 255 "
                    + "characters to name its user");
        }
        String name = jwt.getClaimAsString(p.nameClaim());
        Collection<?> groups = p.groupsClaim() == null ? List.of()
                : jwt.getClaim(p.groupsClaim()) instanceof Collection<?> c ? c : List.of();
        Map<String, Set<Role>> teams = new LinkedHashMap<>();
        for (GroupMapping m : p.groupMappings()) {
            if (groups.contains(m.group())) {
                teams.computeIfAbsent(m.team(), t -> EnumSet.noneOf(Role.class)).addAll(m.roles());
            }
        }
        boolean admin = p.adminGroup() != null && groups.contains(p.adminGroup());
        return new Caller(p.tenant(), "oidc:" + p.id() + ":" + user, Caller.Kind.USER, name == null ? user : name,
                admin, teams, false);
    }

    private static Provider read(TenantId tenant, ResultSet rs, boolean active) throws SQLException {
        List<GroupMapping> mappings = JSON.readValue(rs.getString("group_mappings"),
                new TypeReference<List<GroupMapping>>() { });
        return new Provider(tenant, rs.getObject("id", UUID.class), rs.getString("issuer"), rs.getString("audience"),
                rs.getString("user_claim"), rs.getString("name_claim"), rs.getString("groups_claim"), mappings,
                rs.getString("admin_group"), rs.getString("console_client_id"), active);
    }
}
