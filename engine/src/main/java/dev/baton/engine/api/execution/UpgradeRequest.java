package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * Moves a running execution to another version of its definition: {@code version} (newer than the execution's),
 * {@code taskMapping} from a reference name of the execution's version to the one that takes its place (unnamed ones
 * keep their name), {@code taskOutputs} the outcomes the checking dry run assumes (as a dry run's), and
 * {@code dryRun} to plan and check without changing anything.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UpgradeRequest(
        Integer version,
        Map<String, String> taskMapping,
        Map<String, Object> taskOutputs,
        Boolean dryRun) {

    /** Whether only to plan and check: false unless asked. */
    public boolean onlyPlan() {
        return Boolean.TRUE.equals(dryRun);
    }
}
