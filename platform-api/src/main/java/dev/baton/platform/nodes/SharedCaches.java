package dev.baton.platform.nodes;

import dev.baton.engine.api.NodeMessages;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.Tenants;
import org.springframework.stereotype.Component;

/**
 * Keeps what nodes cache of tenants in step: a node that suspends, resumes, limits or deletes a tenant tells the
 * others, which forget their copy at once instead of acting on it until it expires ({@link Tenants#CACHE_FOR}).
 */
@Component
public class SharedCaches {

    /** The kind of message that names a changed tenant. */
    static final String TENANT_CHANGED = "T";

    public SharedCaches(Tenants tenants, NodeMessages nodes) {
        tenants.onChange(id -> nodes.tell(TENANT_CHANGED, id.value()));
        nodes.on(TENANT_CHANGED, id -> tenants.forget(TenantId.of(id)));
    }
}
