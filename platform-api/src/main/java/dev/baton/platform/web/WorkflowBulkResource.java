package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.execution.BulkResponse;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.tenancy.TenantId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Conductor's bulk API: one operation over many workflows, each in its own transaction. */
@RestController
@RequestMapping("/api/workflow/bulk")
public class WorkflowBulkResource {

    /** Most workflow ids one bulk call takes. */
    static final int MAX_IDS = 1000;

    private final WorkflowService workflows;
    private final CurrentTenant tenant;
    private final Guard guard;

    public WorkflowBulkResource(WorkflowService workflows, CurrentTenant tenant, Guard guard) {
        this.workflows = workflows;
        this.tenant = tenant;
        this.guard = guard;
    }

    @PutMapping("/pause")
    BulkResponse pause(@RequestBody List<String> ids) {
        return each(ids, workflows::pause);
    }

    @PutMapping("/resume")
    BulkResponse resume(@RequestBody List<String> ids) {
        return each(ids, workflows::resume);
    }

    @PostMapping("/restart")
    BulkResponse restart(@RequestBody List<String> ids, @RequestParam(defaultValue = "false") boolean useLatestDefinitions) {
        return each(ids, (t, id) -> workflows.restart(t, id, useLatestDefinitions));
    }

    @PostMapping("/retry")
    BulkResponse retry(@RequestBody List<String> ids) {
        return each(ids, (t, id) -> workflows.retry(t, id, false));
    }

    @PostMapping("/terminate")
    BulkResponse terminate(@RequestBody List<String> ids, @RequestParam(required = false) String reason) {
        return each(ids, (t, id) -> workflows.terminate(t, id, reason));
    }

    @DeleteMapping("/remove")
    BulkResponse remove(@RequestBody List<String> ids, @RequestParam(defaultValue = "true") boolean archiveWorkflow) {
        return each(ids, (t, id) -> workflows.remove(t, id, archiveWorkflow));
    }

    @DeleteMapping("/terminate-remove")
    BulkResponse terminateRemove(@RequestBody List<String> ids, @RequestParam(required = false) String reason,
            @RequestParam(defaultValue = "true") boolean archiveWorkflow) {
        return each(ids, (t, id) -> workflows.terminateAndRemove(t, id, reason, archiveWorkflow));
    }

    private BulkResponse each(List<String> ids, BiConsumer<TenantId, UUID> operation) {
        if (ids == null || ids.isEmpty()) {
            throw EngineException.invalid("", "a list of workflow ids is required");
        }
        if (ids.size() > MAX_IDS) {
            throw EngineException.invalid("", "at most " + MAX_IDS + " workflow ids per call");
        }
        Map<String, String> errors = new LinkedHashMap<>();
        List<String> done = new ArrayList<>();
        TenantId t = tenant.get();
        for (String id : ids) {
            UUID uuid;
            try {
                uuid = UUID.fromString(id);
            } catch (IllegalArgumentException | NullPointerException e) {
                errors.put(String.valueOf(id), "not a workflow id");
                continue;
            }
            try {
                Workflow w = workflows.get(t, uuid, false);
                guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.WORKFLOW_DEF, w.getWorkflowName());
                operation.accept(t, uuid);
                done.add(id);
            } catch (EngineException | AccessDeniedException e) {
                errors.put(id, e.getMessage());
            }
        }
        return new BulkResponse(errors, done);
    }
}
