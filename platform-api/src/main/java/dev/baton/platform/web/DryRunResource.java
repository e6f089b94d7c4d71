package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.MetadataService;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.dryrun.DryRunRequest;
import dev.baton.engine.api.dryrun.DryRunResult;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dry runs: a workflow evaluated without running anything, with assumed outcomes for the tasks that would reach
 * outside it. A registered definition may be dry run by whoever may read it; an inline one by its authors, for the
 * team it would run for, as an inline start is.
 */
@RestController
@RequestMapping("/api/dry-runs")
public class DryRunResource {

    private final WorkflowService workflows;
    private final MetadataService metadata;
    private final CurrentTenant tenant;
    private final Guard guard;
    private final CompositionCheck composition;

    public DryRunResource(WorkflowService workflows, MetadataService metadata, CurrentTenant tenant, Guard guard,
            CompositionCheck composition) {
        this.workflows = workflows;
        this.metadata = metadata;
        this.tenant = tenant;
        this.guard = guard;
        this.composition = composition;
    }

    @PostMapping
    DryRunResult dryRun(@RequestBody DryRunRequest request, @RequestParam(required = false) String team) {
        String acting = null;
        if (request.workflowDef() != null) {
            guard.requireAuthor();
            acting = guard.actingTeamForInline(team);
            composition.requireInline(tenant.get(), acting, request.workflowDef());
        } else if (request.name() != null && metadata.workflowDef(tenant.get(), request.name(), null).isPresent()) {
            guard.require(Permission.READ_DEFINITION, ResourceType.WORKFLOW_DEF, request.name());
        }
        return workflows.dryRun(tenant.get(), request, acting);
    }
}
