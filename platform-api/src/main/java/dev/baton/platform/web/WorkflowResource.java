package dev.baton.platform.web;

import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.execution.RerunWorkflowRequest;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.SkipTaskRequest;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowSummary;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Conductor's workflow API: start, read, search and operate executions. */
@RestController
@RequestMapping("/api/workflow")
public class WorkflowResource {

    private final WorkflowService workflows;
    private final CurrentTenant tenant;

    public WorkflowResource(WorkflowService workflows, CurrentTenant tenant) {
        this.workflows = workflows;
        this.tenant = tenant;
    }

    @PostMapping(produces = MediaType.TEXT_PLAIN_VALUE)
    String start(@RequestBody StartWorkflowRequest request) {
        return workflows.start(tenant.get(), request).toString();
    }

    @PostMapping(path = "/{name}", produces = MediaType.TEXT_PLAIN_VALUE)
    String startByName(@PathVariable String name, @RequestParam(required = false) Integer version,
            @RequestParam(required = false) String correlationId, @RequestParam(required = false) Integer priority,
            @RequestBody(required = false) Map<String, Object> input) {
        return workflows.start(tenant.get(), new StartWorkflowRequest(name, version, correlationId, input, null, null,
                priority, null, null, null)).toString();
    }

    @GetMapping("/{workflowId}")
    Workflow get(@PathVariable UUID workflowId, @RequestParam(defaultValue = "true") boolean includeTasks) {
        return workflows.get(tenant.get(), workflowId, includeTasks);
    }

    @DeleteMapping("/{workflowId}")
    void terminate(@PathVariable UUID workflowId, @RequestParam(required = false) String reason) {
        workflows.terminate(tenant.get(), workflowId, reason);
    }

    @DeleteMapping("/{workflowId}/remove")
    void remove(@PathVariable UUID workflowId) {
        workflows.remove(tenant.get(), workflowId);
    }

    @PutMapping("/{workflowId}/pause")
    void pause(@PathVariable UUID workflowId) {
        workflows.pause(tenant.get(), workflowId);
    }

    @PutMapping("/{workflowId}/resume")
    void resume(@PathVariable UUID workflowId) {
        workflows.resume(tenant.get(), workflowId);
    }

    @PostMapping("/{workflowId}/restart")
    void restart(@PathVariable UUID workflowId, @RequestParam(defaultValue = "false") boolean useLatestDefinitions) {
        workflows.restart(tenant.get(), workflowId, useLatestDefinitions);
    }

    @PostMapping("/{workflowId}/retry")
    void retry(@PathVariable UUID workflowId, @RequestParam(defaultValue = "false") boolean resumeSubworkflowTasks) {
        workflows.retry(tenant.get(), workflowId, resumeSubworkflowTasks);
    }

    @PostMapping(path = "/{workflowId}/rerun", produces = MediaType.TEXT_PLAIN_VALUE)
    String rerun(@PathVariable UUID workflowId, @RequestBody RerunWorkflowRequest request) {
        workflows.rerun(tenant.get(), workflowId, request);
        return workflowId.toString();
    }

    @PutMapping("/{workflowId}/skiptask/{taskReferenceName}")
    void skipTask(@PathVariable UUID workflowId, @PathVariable String taskReferenceName,
            @RequestBody(required = false) SkipTaskRequest request) {
        workflows.skipTask(tenant.get(), workflowId, taskReferenceName, request);
    }

    @PutMapping("/decide/{workflowId}")
    void decide(@PathVariable UUID workflowId) {
        workflows.decide(tenant.get(), workflowId);
    }

    @GetMapping("/running/{name}")
    List<String> running(@PathVariable String name, @RequestParam(required = false) Integer version) {
        return workflows.running(tenant.get(), name, version).stream().map(UUID::toString).toList();
    }

    @GetMapping("/{name}/correlated/{correlationId}")
    List<Workflow> correlated(@PathVariable String name, @PathVariable String correlationId,
            @RequestParam(defaultValue = "false") boolean includeClosed,
            @RequestParam(defaultValue = "false") boolean includeTasks) {
        return workflows.byCorrelationId(tenant.get(), name, correlationId, includeClosed, includeTasks);
    }

    @GetMapping({"/search", "/search-v2"})
    SearchResult<WorkflowSummary> search(@RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "100") int size, @RequestParam(required = false) String sort,
            @RequestParam(defaultValue = "*") String freeText, @RequestParam(required = false) String query) {
        return workflows.search(tenant.get(), SearchQueryParser.parse(query, freeText, sort, start, size));
    }
}
