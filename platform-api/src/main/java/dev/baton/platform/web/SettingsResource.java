package dev.baton.platform.web;

import dev.baton.engine.api.EngineException;
import dev.baton.tasks.http.HttpAllowList;
import java.util.List;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A tenant's own settings, for its administrators: the hosts its HTTP tasks may call. */
@RestController
@RequestMapping("/api/settings")
public class SettingsResource {

    /** The hosts HTTP tasks may call; empty means any the operator allows. */
    public record HttpHosts(List<String> hosts) {}

    private final HttpAllowList allowList;
    private final CurrentTenant tenant;

    public SettingsResource(HttpAllowList allowList, CurrentTenant tenant) {
        this.allowList = allowList;
        this.tenant = tenant;
    }

    @GetMapping("/http-allow-list")
    HttpHosts httpHosts() {
        requireAdmin();
        return new HttpHosts(allowList.hosts(tenant.get()));
    }

    @PutMapping("/http-allow-list")
    HttpHosts replaceHttpHosts(@RequestBody HttpHosts body) {
        requireAdmin();
        if (body == null || body.hosts() == null) {
            throw EngineException.invalid("hosts", "is required (an empty list allows every host)");
        }
        allowList.replace(tenant.get(), body.hosts());
        return new HttpHosts(allowList.hosts(tenant.get()));
    }

    private void requireAdmin() {
        if (!tenant.caller().tenantAdmin()) {
            throw new AccessDeniedException("missing permission: tenant settings (tenant administrators only)");
        }
    }
}
