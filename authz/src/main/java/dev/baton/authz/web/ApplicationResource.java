package dev.baton.authz.web;

import dev.baton.authz.api.AuthzException;
import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import dev.baton.tenancy.ResourceNames;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Applications and their access keys, at Orkes Conductor's paths: a program's identity within one team, with the
 * roles it holds there. A key's secret is shown once, when it is made.
 */
@RestController
@RequestMapping("/api/applications")
public class ApplicationResource {

    /** A new application. */
    public record NewApplication(String name, String team, Set<Role> roles, Boolean tenantAdmin) {}

    private final Identities identities;

    public ApplicationResource(Identities identities) {
        this.identities = identities;
    }

    @PostMapping
    public Identities.ApplicationInfo create(@AuthenticationPrincipal Caller caller,
            @RequestBody NewApplication app) {
        boolean admin = Boolean.TRUE.equals(app.tenantAdmin());
        if (!ResourceNames.valid(app.name())) {
            throw AuthzException.invalid("name", ResourceNames.RULE);
        }
        if (app.team() == null) {
            throw AuthzException.invalid("team", "is required: an application acts within one team");
        }
        if (!identities.teamExists(caller.tenant(), app.team())) {
            throw AuthzException.invalid("team", "there is no team '" + app.team() + "'");
        }
        Access.requireTeamAdmin(identities, caller, app.team(), "create applications");
        if (admin) {
            Access.requireTenantAdmin(caller, "create tenant-administrator applications");
        }
        if (app.roles() == null || app.roles().isEmpty()) {
            throw AuthzException.invalid("roles", "must name at least one role");
        }
        try {
            UUID id = identities.createApplication(caller.tenant(), app.name(), app.team(), app.roles(), admin);
            return new Identities.ApplicationInfo(id, app.name(), app.team(), Set.copyOf(app.roles()), admin);
        } catch (DuplicateKeyException e) {
            throw AuthzException.conflict("name", "an application named '" + app.name() + "' exists");
        }
    }

    @GetMapping
    public List<Identities.ApplicationInfo> list(@AuthenticationPrincipal Caller caller) {
        return identities.applications(caller.tenant()).stream()
                .filter(a -> caller.has(a.team(), Role.TEAM_ADMIN)).toList();
    }

    @GetMapping("/{id}")
    public Identities.ApplicationInfo get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return managed(caller, id, "read applications");
    }

    @DeleteMapping("/{id}")
    public void delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        managed(caller, id, "delete applications");
        identities.deleteApplication(caller.tenant(), id);
    }

    @PostMapping("/{id}/accessKeys")
    public Identities.NewKey createKey(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        managed(caller, id, "create access keys");
        return identities.createKey(caller.tenant(), id);
    }

    @GetMapping("/{id}/accessKeys")
    public List<Identities.KeyInfo> keys(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        managed(caller, id, "list access keys");
        return identities.keys(caller.tenant(), id);
    }

    @DeleteMapping("/{id}/accessKeys/{keyId}")
    public void revokeKey(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, @PathVariable String keyId) {
        managed(caller, id, "revoke access keys");
        if (!identities.revokeKey(caller.tenant(), id, keyId)) {
            throw AuthzException.notFound("application " + id + " has no key '" + keyId + "'");
        }
    }

    private Identities.ApplicationInfo managed(Caller caller, UUID id, String what) {
        Identities.ApplicationInfo app = identities.application(caller.tenant(), id)
                .orElseThrow(() -> AuthzException.notFound("no application " + id));
        Access.requireTeamAdmin(identities, caller, app.team(), what);
        return app;
    }
}
