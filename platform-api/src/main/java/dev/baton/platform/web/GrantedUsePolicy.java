package dev.baton.platform.web;

import dev.baton.authz.access.Access;
import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.access.ResourceType;
import dev.baton.connections.UsePolicy;
import dev.baton.tenancy.TenantId;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** A workflow may use a secret or a connection its team owns, or one another team granted it EXECUTE on. */
@Component
public class GrantedUsePolicy implements UsePolicy {

    private final AccessPolicy policy;

    public GrantedUsePolicy(AccessPolicy policy) {
        this.policy = policy;
    }

    @Override
    public Optional<String> refuse(TenantId tenant, String team, Kind kind, String name, String ownerTeam) {
        if (team == null) {
            return Optional.empty(); // a workflow of no team is a tenant administrator's
        }
        ResourceType type = kind == Kind.SECRET ? ResourceType.SECRET : ResourceType.CONNECTION;
        return policy.standingsOf(tenant, type, name).refusal(team, Access.EXECUTE, type, name);
    }
}
