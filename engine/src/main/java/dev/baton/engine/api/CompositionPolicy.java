package dev.baton.engine.api;

import dev.baton.tenancy.TenantId;
import java.util.Optional;

/**
 * Which workflows an execution may start and which task types it may queue, decided for the team on whose behalf
 * it runs. The engine asks before every SUB_WORKFLOW, START_WORKFLOW and failure workflow start and before it queues
 * a worker task; it knows nothing of teams itself, the API layer answers.
 */
public interface CompositionPolicy {

    /** Allows everything: for an engine used without teams. */
    CompositionPolicy OPEN = new CompositionPolicy() {
        @Override
        public Optional<String> ownerOf(TenantId tenant, String workflowName) {
            return Optional.empty();
        }

        @Override
        public Optional<String> refuseStart(TenantId tenant, String team, String workflowName, boolean inline) {
            return Optional.empty();
        }

        @Override
        public Optional<String> refuseTask(TenantId tenant, String team, String taskType) {
            return Optional.empty();
        }
    };

    /** The team that owns the registered workflow definition {@code workflowName}, if any. */
    Optional<String> ownerOf(TenantId tenant, String workflowName);

    /**
     * Why an execution of {@code team} may not start workflow {@code workflowName} (an inline definition when
     * {@code inline}); empty when it may.
     */
    Optional<String> refuseStart(TenantId tenant, String team, String workflowName, boolean inline);

    /** Why an execution of {@code team} may not queue tasks of {@code taskType}; empty when it may. */
    Optional<String> refuseTask(TenantId tenant, String team, String taskType);
}
