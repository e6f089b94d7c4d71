package dev.baton.platform.nodes;

import dev.baton.authz.token.Revocations;
import dev.baton.engine.api.NodeMessages;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.Tenants;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;

/**
 * Keeps what nodes cache in step: a node that suspends, resumes, limits or deletes a tenant tells the others, which
 * forget their copy at once instead of acting on it until it expires ({@link Tenants#CACHE_FOR}); a node that
 * revokes a subject, key or token tells the others, which read the revocations at once instead of at their next
 * poll, so a token they verified before stops working on every node within a message's delay.
 */
@Component
public class SharedCaches {

    /** The kind of message that names a changed tenant. */
    static final String TENANT_CHANGED = "T";
    /** The kind of message that says something was revoked (the subject is empty: the reader looks at them all). */
    static final String REVOKED = "R";

    private final AtomicBoolean lookPending = new AtomicBoolean();

    public SharedCaches(Tenants tenants, Revocations revocations, NodeMessages nodes) {
        tenants.onChange(id -> nodes.tell(TENANT_CHANGED, id.value()));
        nodes.on(TENANT_CHANGED, id -> tenants.forget(TenantId.of(id)));
        revocations.onRevoke(() -> nodes.tell(REVOKED, ""));
        // off the channel's receiving thread; messages arriving while a look is pending share it
        nodes.on(REVOKED, ignored -> {
            if (lookPending.compareAndSet(false, true)) {
                Thread.ofVirtual().name("baton-revocations-look").start(() -> {
                    lookPending.set(false);
                    revocations.lookNow();
                });
            }
        });
    }
}
