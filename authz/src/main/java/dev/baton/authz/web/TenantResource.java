package dev.baton.authz.web;

import dev.baton.authz.api.AuthzException;
import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import dev.baton.authz.identity.Secrets;
import dev.baton.tenancy.Tenant;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.Tenants;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Platform operators create, suspend, resume, limit and delete tenants. */
@RestController
@RequestMapping("/api/admin/tenants")
public class TenantResource {

    /** A new tenant and the login of its first administrator. */
    public record NewTenant(String id, String name, Tenant.Quotas quotas, String adminLogin) {}

    /** A tenant as the API shows it. */
    public record TenantView(String id, String name, Tenant.Status status, Tenant.Quotas quotas,
            java.time.Instant createdAt) {

        /** The view of {@code t}. */
        public static TenantView of(Tenant t) {
            return new TenantView(t.id().value(), t.name(), t.status(), t.quotas(), t.createdAt());
        }
    }

    /** A created tenant with its first administrator's credentials, shown this once. */
    public record CreatedTenant(TenantView tenant, String adminLogin, String adminPassword, String keyId,
            String keySecret) {}

    private final Tenants tenants;
    private final Identities identities;
    private final TenantTransactions tx;

    public TenantResource(Tenants tenants, Identities identities, TenantTransactions tx) {
        this.tenants = tenants;
        this.identities = identities;
        this.tx = tx;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public CreatedTenant create(@AuthenticationPrincipal Caller caller, @RequestBody NewTenant request) {
        requireOperator(caller);
        TenantId id;
        try {
            id = TenantId.of(request.id() == null ? "" : request.id());
        } catch (IllegalArgumentException e) {
            throw AuthzException.invalid("id", e.getMessage());
        }
        String name = request.name() == null || request.name().isBlank() ? id.value() : request.name();
        Tenant.Quotas quotas = validQuotas(request.quotas() == null ? Tenant.Quotas.NONE : request.quotas());
        String login = request.adminLogin() == null ? "admin" : request.adminLogin().toLowerCase();
        String password = Secrets.random(18);
        Identities.NewKey key = tx.write(id, () -> {
            if (!tenants.create(id, name, quotas)) {
                throw AuthzException.conflict("id", "a tenant '" + id.value() + "' exists");
            }
            identities.createTeam(id, "admins", "Administrators of " + name);
            UUID user = identities.createUser(id, login, "Administrator", password, true);
            identities.addMember(id, "admins", user, EnumSet.allOf(Role.class));
            UUID app = identities.createApplication(id, "admin-key", "admins", EnumSet.allOf(Role.class), true);
            return identities.createKey(id, app);
        });
        return new CreatedTenant(TenantView.of(tenants.find(id).orElseThrow()), login, password, key.id(), key.secret());
    }

    @GetMapping
    public List<TenantView> list(@AuthenticationPrincipal Caller caller) {
        requireOperator(caller);
        return tenants.list().stream().map(TenantView::of).toList();
    }

    @GetMapping("/{tenantId}")
    public TenantView get(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId) {
        requireOperator(caller);
        return TenantView.of(tenants.find(existing(tenantId)).orElseThrow());
    }

    @PutMapping("/{tenantId}/suspend")
    public TenantView suspend(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId) {
        requireOperator(caller);
        TenantId tenant = existing(tenantId);
        if (tenant.equals(caller.tenant())) {
            throw AuthzException.conflict("id", "you cannot suspend your own tenant");
        }
        tenants.setStatus(tenant, Tenant.Status.SUSPENDED);
        return TenantView.of(tenants.find(tenant).orElseThrow());
    }

    @PutMapping("/{tenantId}/resume")
    public TenantView resume(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId) {
        requireOperator(caller);
        TenantId tenant = existing(tenantId);
        tenants.setStatus(tenant, Tenant.Status.ACTIVE);
        return TenantView.of(tenants.find(tenant).orElseThrow());
    }

    @PutMapping("/{tenantId}/quotas")
    public TenantView quotas(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId,
            @RequestBody Tenant.Quotas quotas) {
        requireOperator(caller);
        TenantId tenant = existing(tenantId);
        tenants.setQuotas(tenant, validQuotas(quotas));
        return TenantView.of(tenants.find(tenant).orElseThrow());
    }

    @DeleteMapping("/{tenantId}")
    public void delete(@AuthenticationPrincipal Caller caller, @PathVariable String tenantId) {
        requireOperator(caller);
        TenantId tenant = existing(tenantId);
        if (tenant.equals(caller.tenant())) {
            throw AuthzException.conflict("id", "you cannot delete your own tenant");
        }
        tenants.delete(tenant);
    }

    private TenantId existing(String id) {
        try {
            TenantId tenant = TenantId.of(id);
            if (tenants.find(tenant).isPresent()) {
                return tenant;
            }
        } catch (IllegalArgumentException notAnId) {
            // answered like any id that names no tenant
        }
        throw AuthzException.notFound("no tenant '" + id + "'");
    }

    private static Tenant.Quotas validQuotas(Tenant.Quotas q) {
        positive("quotas.maxRunningWorkflows", q.maxRunningWorkflows());
        positive("quotas.maxRequestsPerSecond", q.maxRequestsPerSecond());
        positive("quotas.maxPayloadBytes", q.maxPayloadBytes());
        positive("quotas.retentionDays", q.retentionDays());
        positive("quotas.retentionPerWorkflow", q.retentionPerWorkflow());
        return q;
    }

    private static void positive(String field, Integer value) {
        if (value != null && value < 1) {
            throw AuthzException.invalid(field, "must be 1 or more, or absent for no limit");
        }
    }

    private static void requireOperator(Caller caller) {
        if (!caller.platformOperator()) {
            throw new AccessDeniedException("missing permission: manage tenants (needs the platform operator role)");
        }
    }
}
