package dev.baton.platform.tasks;

import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import dev.baton.tenancy.TenantId;
import java.util.EnumSet;
import java.util.UUID;
import java.util.function.Function;

/** A new team of the default tenant with an application that authors, operates and works for it. */
public record TeamWorld(String team, String token) {

    public static TeamWorld create(Identities identities, Function<Identities.NewKey, String> token) {
        String team = "t-" + UUID.randomUUID().toString().substring(0, 8);
        identities.createTeam(TenantId.DEFAULT, team, null);
        UUID app = identities.createApplication(TenantId.DEFAULT, team + "-app", team,
                EnumSet.of(Role.AUTHOR, Role.OPERATOR, Role.WORKER, Role.VIEWER), false);
        return new TeamWorld(team, token.apply(identities.createKey(TenantId.DEFAULT, app)));
    }
}
