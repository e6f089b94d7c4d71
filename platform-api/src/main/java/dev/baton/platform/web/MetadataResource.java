package dev.baton.platform.web;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.MetadataService;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import java.util.List;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Conductor's metadata API: task and workflow definitions. */
@RestController
@RequestMapping("/api/metadata")
public class MetadataResource {

    private final MetadataService metadata;
    private final CurrentTenant tenant;

    public MetadataResource(MetadataService metadata, CurrentTenant tenant) {
        this.metadata = metadata;
        this.tenant = tenant;
    }

    @PostMapping("/taskdefs")
    void registerTaskDefs(@RequestBody List<TaskDef> defs) {
        metadata.registerTaskDefs(tenant.get(), defs);
    }

    @PutMapping("/taskdefs")
    void updateTaskDef(@RequestBody TaskDef def) {
        metadata.updateTaskDef(tenant.get(), def);
    }

    @GetMapping("/taskdefs")
    List<TaskDef> taskDefs() {
        return metadata.taskDefs(tenant.get());
    }

    @GetMapping("/taskdefs/{name}")
    TaskDef taskDef(@PathVariable String name) {
        return metadata.taskDef(tenant.get(), name)
                .orElseThrow(() -> EngineException.notFound("no task definition named '" + name + "'"));
    }

    @DeleteMapping("/taskdefs/{name}")
    void deleteTaskDef(@PathVariable String name) {
        metadata.deleteTaskDef(tenant.get(), name);
    }

    @PostMapping("/workflow")
    void registerWorkflowDef(@RequestBody WorkflowDef def) {
        metadata.registerWorkflowDef(tenant.get(), def);
    }

    @PutMapping("/workflow")
    void updateWorkflowDefs(@RequestBody List<WorkflowDef> defs) {
        metadata.updateWorkflowDefs(tenant.get(), defs);
    }

    @PostMapping("/workflow/validate")
    void validateWorkflowDef(@RequestBody WorkflowDef def) {
        metadata.validateWorkflowDef(tenant.get(), def);
    }

    @GetMapping("/workflow")
    List<WorkflowDef> workflowDefs(@RequestParam(defaultValue = "false") boolean latestOnly) {
        return metadata.workflowDefs(tenant.get(), latestOnly);
    }

    @GetMapping("/workflow/{name}")
    WorkflowDef workflowDef(@PathVariable String name, @RequestParam(required = false) Integer version) {
        return metadata.workflowDef(tenant.get(), name, version).orElseThrow(() -> EngineException.notFound(
                "no workflow definition named '" + name + "'" + (version == null ? "" : " with version " + version)));
    }

    @DeleteMapping("/workflow/{name}/{version}")
    void deleteWorkflowDef(@PathVariable String name, @PathVariable int version) {
        metadata.deleteWorkflowDef(tenant.get(), name, version);
    }
}
