package dev.baton.authz.web;

import dev.baton.authz.api.Caller;
import dev.baton.tenancy.Tenants;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The caller's own tenant and its quotas, read-only, for its administrators (platform operators change quotas). */
@RestController
public class OwnTenantResource {

    private final Tenants tenants;

    public OwnTenantResource(Tenants tenants) {
        this.tenants = tenants;
    }

    @GetMapping("/api/tenant")
    public TenantResource.TenantView ownTenant(@AuthenticationPrincipal Caller caller) {
        Access.requireTenantAdmin(caller, "read the tenant's quotas");
        return TenantResource.TenantView.of(tenants.find(caller.tenant()).orElseThrow());
    }
}
