package dev.baton.platform.web;

import dev.baton.tenancy.TenantId;
import org.springframework.stereotype.Component;

/**
 * The tenant a request acts for. Until identity lands every request runs in the default tenant; the tenant will
 * come from the caller's token, never from a path or header the caller chooses.
 */
@Component
public class CurrentTenant {

    public TenantId get() {
        return TenantId.DEFAULT;
    }
}
