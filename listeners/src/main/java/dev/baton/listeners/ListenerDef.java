package dev.baton.listeners;

import java.util.List;

/**
 * A status listener as a tenant writes it: which status changes it hears ({@code workflow.COMPLETED},
 * {@code task.FAILED}, ...), of which workflows (none: all its team may see), and where they are delivered: an HTTPS
 * address ({@code url}), signed with the vault secret named {@code signingSecret}; or a broker sink ({@code sink},
 * like {@code nats:orders.status}), published in the tenant's own namespace there.
 */
public record ListenerDef(String name, List<String> events, List<String> workflowNames, String url, String sink,
        String signingSecret, Boolean enabled) {

    /** Whether deliveries are noted for it (absent: yes). */
    public boolean isEnabled() {
        return enabled == null || enabled;
    }
}
