package dev.baton.platform.web;

import dev.baton.catalog.Catalog;
import dev.baton.catalog.Visibility;
import dev.baton.engine.api.TaskTypes;
import dev.baton.engine.api.WorkflowStart;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.tenancy.TenantId;
import java.util.Optional;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;

/**
 * Checks a definition before it is registered or started inline: every workflow it names (SUB_WORKFLOW,
 * START_WORKFLOW, failure workflow, inline sub-definitions) and every task type it queues must be the team's own or
 * granted to it. What is only known at run time (names from expressions, dynamic forks) is checked by the engine
 * through {@link TeamCompositionPolicy} when it happens.
 */
@Component
public class CompositionCheck {

    private final TeamCompositionPolicy policy;
    private final TaskTypes taskTypes;
    private final Catalog catalog;

    public CompositionCheck(TeamCompositionPolicy policy, TaskTypes taskTypes, Catalog catalog) {
        this.policy = policy.fresh();
        this.taskTypes = taskTypes;
        this.catalog = catalog;
    }

    /** Refuses (403) when {@code team} may not run everything {@code def} would. */
    public void require(TenantId tenant, String team, WorkflowDef def) {
        if (team == null) {
            return;
        }
        // a failure workflow named by an expression is checked when it starts, like any computed name
        refuse(def.failureWorkflow() == null || def.failureWorkflow().isBlank() || def.failureWorkflow().startsWith("$")
                ? Optional.empty() : policy.refuseStart(tenant, team, def.failureWorkflow(), false),
                "failureWorkflow");
        def.visitTasks(task -> check(tenant, team, task));
    }

    /**
     * Refuses (403) an inline definition started for {@code team} (null: a tenant administrator acting for no team)
     * that takes the name of a workflow another team owns, or runs what {@code team} may not.
     */
    public void requireInline(TenantId tenant, String team, WorkflowDef def) {
        if (def.name() != null) {
            refuse(policy.refuseStart(tenant, team, def.name(), true), "workflowDef");
        }
        require(tenant, team, def);
    }

    private void check(TenantId tenant, String team, WorkflowTask task) {
        String at = "task '" + task.taskReferenceName() + "'";
        for (WorkflowStart start : taskTypes.workflowsStartedBy(task)) {
            if (start.inlineDefinition() != null) {
                refuse(policy.refuseStart(tenant, team, start.name(), true), at);
                require(tenant, team, start.inlineDefinition());
            } else if (isLiteral(start.name())) {
                refuse(policy.refuseStart(tenant, team, start.name(), false), at);
            }
        }
        if (!taskTypes.runsInServer(task.typeOrSimple()) && isLiteral(task.name())) {
            refuse(policy.refuseTask(tenant, team, task.name()), at);
        }
        if (task.catalog() != null && task.catalog().name() != null) {
            catalog.entry(tenant, task.catalog().name(), null)
                    .filter(e -> e.visibility() == Visibility.TEAM && !e.ownerTeam().equals(team))
                    .ifPresent(e -> refuse(Optional.of("catalog entry '" + e.name() + "' is for team '"
                            + e.ownerTeam() + "' only"), at));
        }
    }

    private static boolean isLiteral(String name) {
        return name != null && !name.contains("${");
    }

    private static void refuse(Optional<String> reason, String at) {
        reason.ifPresent(r -> {
            throw new AccessDeniedException("missing permission: " + at + ": " + r);
        });
    }
}
