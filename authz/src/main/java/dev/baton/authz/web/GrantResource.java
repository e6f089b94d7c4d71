package dev.baton.authz.web;

import dev.baton.authz.access.Access;
import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.access.ResourceType;
import dev.baton.authz.api.AuthzException;
import dev.baton.authz.api.Caller;
import dev.baton.authz.identity.Identities;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Grants: what a team that owns a definition lets other teams do with it (READ, EXECUTE, UPDATE). */
@RestController
@RequestMapping("/api/grants")
public class GrantResource {

    /** A grant to give or change. */
    public record GrantRequest(ResourceType resourceType, String resourceName, String team, Set<Access> access) {}

    private final AccessPolicy policy;
    private final Identities identities;

    public GrantResource(AccessPolicy policy, Identities identities) {
        this.policy = policy;
        this.identities = identities;
    }

    @PutMapping
    public AccessPolicy.Grant grant(@AuthenticationPrincipal Caller caller, @RequestBody GrantRequest request) {
        if (request.resourceType() == null) {
            throw AuthzException.invalid("resourceType", "is required: WORKFLOW_DEF, TASK_DEF, SECRET or CONNECTION");
        }
        if (request.team() == null || !identities.teamExists(caller.tenant(), request.team())) {
            throw AuthzException.invalid("team", "there is no team '" + request.team() + "'");
        }
        if (request.access() == null || request.access().isEmpty()) {
            throw AuthzException.invalid("access", "must name at least one of READ, EXECUTE, UPDATE");
        }
        ownedByTeamOfAdmin(caller, request.resourceType(), request.resourceName());
        AccessPolicy.Grant grant = new AccessPolicy.Grant(request.resourceType(), request.resourceName(),
                request.team(), Set.copyOf(request.access()));
        policy.grant(caller.tenant(), grant);
        return grant;
    }

    @GetMapping
    public List<AccessPolicy.Grant> grants(@AuthenticationPrincipal Caller caller,
            @RequestParam ResourceType resourceType, @RequestParam String resourceName) {
        ownedByTeamOfAdmin(caller, resourceType, resourceName);
        return policy.grants(caller.tenant(), resourceType, resourceName);
    }

    @DeleteMapping
    public void revoke(@AuthenticationPrincipal Caller caller, @RequestParam ResourceType resourceType,
            @RequestParam String resourceName, @RequestParam String team) {
        ownedByTeamOfAdmin(caller, resourceType, resourceName);
        if (!policy.revoke(caller.tenant(), resourceType, resourceName, team)) {
            throw AuthzException.notFound("team '" + team + "' has no grant on " + resourceType.noun() + " '"
                    + resourceName + "'");
        }
    }

    private void ownedByTeamOfAdmin(Caller caller, ResourceType type, String name) {
        String owner = policy.owner(caller.tenant(), type, name).orElseThrow(() -> AuthzException.notFound(
                "no " + type.noun() + " '" + name + "' owned by a team"));
        dev.baton.authz.web.Access.requireTeamAdmin(identities, caller, owner, "manage grants on resources");
    }
}
