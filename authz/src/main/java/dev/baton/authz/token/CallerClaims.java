package dev.baton.authz.token;

import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.tenancy.TenantId;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.oauth2.jwt.Jwt;

/** How a {@link Caller} is written into the claims of the tokens this installation issues, and read back. */
public final class CallerClaims {

    /** The audience every token for this API carries; a token for another audience is refused. */
    public static final String AUDIENCE = "baton";
    public static final String TENANT = "tenant";
    public static final String KIND = "kind";
    public static final String NAME = "name";
    public static final String TENANT_ADMIN = "tenant_admin";
    public static final String TEAMS = "teams";
    public static final String PLATFORM_OPERATOR = "platform_operator";

    private CallerClaims() {}

    /**
     * The claims beside the registered ones (iss, sub, aud, exp, ...). Plain ArrayList and LinkedHashMap values: the
     * authorization server stores claims with their Java types and reads back only types on its allow-list.
     */
    public static Map<String, Object> of(Caller caller) {
        Map<String, Object> teams = new LinkedHashMap<>();
        caller.teams().forEach((team, roles) -> teams.put(team, roles.stream().map(Role::name).sorted()
                .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new))));
        return Map.of(TENANT, caller.tenant().value(), KIND, caller.kind().name().toLowerCase(), NAME, caller.name(),
                TENANT_ADMIN, caller.tenantAdmin(), TEAMS, teams, PLATFORM_OPERATOR, caller.platformOperator());
    }

    /** The caller a validated token stands for; a token without a tenant claim is not one of ours. */
    public static Caller from(Jwt jwt) {
        String tenant = jwt.getClaimAsString(TENANT);
        if (tenant == null) {
            throw new IllegalArgumentException("the token names no tenant");
        }
        Map<String, Set<Role>> teams = new LinkedHashMap<>();
        Map<String, Object> claimed = jwt.getClaimAsMap(TEAMS);
        if (claimed != null) {
            claimed.forEach((team, roles) -> {
                Set<Role> set = EnumSet.noneOf(Role.class);
                if (roles instanceof List<?> list) {
                    for (Object r : list) {
                        set.add(Role.valueOf(String.valueOf(r)));
                    }
                }
                teams.put(team, set);
            });
        }
        String kind = jwt.getClaimAsString(KIND);
        return new Caller(TenantId.of(tenant), jwt.getSubject(),
                "application".equals(kind) ? Caller.Kind.APPLICATION : Caller.Kind.USER,
                String.valueOf(jwt.getClaims().getOrDefault(NAME, jwt.getSubject())),
                Boolean.TRUE.equals(jwt.getClaimAsBoolean(TENANT_ADMIN)), teams,
                Boolean.TRUE.equals(jwt.getClaimAsBoolean(PLATFORM_OPERATOR)));
    }
}
