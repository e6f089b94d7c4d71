package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.execution.BulkResponse;
import dev.baton.engine.api.MetadataService;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowDefSummary;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
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
    private final Guard guard;
    private final TenantTransactions tx;

    private final CompositionCheck composition;

    public MetadataResource(MetadataService metadata, CurrentTenant tenant, Guard guard, TenantTransactions tx,
            CompositionCheck composition) {
        this.composition = composition;
        this.metadata = metadata;
        this.tenant = tenant;
        this.guard = guard;
        this.tx = tx;
    }

    @PostMapping("/taskdefs")
    void registerTaskDefs(@RequestBody List<TaskDef> defs, @RequestParam(required = false) String team) {
        TenantId t = tenant.get();
        Map<String, String> claims = new LinkedHashMap<>();
        for (TaskDef def : defs) {
            if (def != null && def.name() != null) {
                guard.beforeWriting(ResourceType.TASK_DEF, def.name(), metadata.taskDef(t, def.name()).isPresent(),
                        team).ifPresent(owner -> claims.put(def.name(), owner));
            }
        }
        tx.run(t, () -> {
            metadata.registerTaskDefs(t, defs);
            claims.forEach((name, owner) -> guard.claim(ResourceType.TASK_DEF, name, owner));
        });
    }

    @PutMapping("/taskdefs")
    void updateTaskDef(@RequestBody TaskDef def) {
        TenantId t = tenant.get();
        if (def != null && def.name() != null && metadata.taskDef(t, def.name()).isPresent()) {
            guard.beforeWriting(ResourceType.TASK_DEF, def.name(), true, null);
        }
        metadata.updateTaskDef(t, def);
    }

    @GetMapping("/taskdefs")
    List<TaskDef> taskDefs() {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.TASK_DEF);
        return metadata.taskDefs(tenant.get()).stream().filter(d -> readable.test(d.name())).toList();
    }

    @GetMapping("/taskdefs/{name}")
    TaskDef taskDef(@PathVariable String name) {
        TaskDef def = existingTaskDef(name);
        guard.require(Permission.READ_DEFINITION, ResourceType.TASK_DEF, name);
        return def;
    }

    @DeleteMapping("/taskdefs/{name}")
    void deleteTaskDef(@PathVariable String name) {
        existingTaskDef(name);
        guard.require(Permission.CHANGE_DEFINITION, ResourceType.TASK_DEF, name);
        tx.run(tenant.get(), () -> {
            metadata.deleteTaskDef(tenant.get(), name);
            guard.release(ResourceType.TASK_DEF, name);
        });
    }

    /**
     * Registers a new definition version; one that exists is a conflict (409), unless {@code overwrite} (Orkes'
     * parameter) asks to replace it.
     */
    @PostMapping("/workflow")
    void registerWorkflowDef(@RequestBody WorkflowDef def, @RequestParam(required = false) String team,
            @RequestParam(defaultValue = "false") boolean overwrite) {
        TenantId t = tenant.get();
        Optional<String> claim = def == null || def.name() == null ? Optional.empty()
                : guard.beforeWriting(ResourceType.WORKFLOW_DEF, def.name(), workflowExists(def.name()), team);
        requireComposition(t, def, claim);
        tx.run(t, () -> {
            if (overwrite) {
                metadata.updateWorkflowDefs(t, java.util.Collections.singletonList(def));
            } else {
                metadata.registerWorkflowDef(t, def);
            }
            claim.ifPresent(owner -> guard.claim(ResourceType.WORKFLOW_DEF, def.name(), owner));
        });
    }

    /**
     * Creates or replaces definitions, all or none; answers newer Conductor's BulkResponse naming each definition
     * (the errors are empty: a refused definition refuses the call, naming the field).
     */
    @PutMapping("/workflow")
    BulkResponse updateWorkflowDefs(@RequestBody List<WorkflowDef> defs, @RequestParam(required = false) String team) {
        TenantId t = tenant.get();
        Map<String, String> claims = new LinkedHashMap<>();
        for (WorkflowDef def : defs) {
            if (def != null && def.name() != null) {
                Optional<String> claim = guard.beforeWriting(ResourceType.WORKFLOW_DEF, def.name(),
                        workflowExists(def.name()), team);
                claim.ifPresent(owner -> claims.put(def.name(), owner));
                requireComposition(t, def, claim);
            }
        }
        tx.run(t, () -> {
            metadata.updateWorkflowDefs(t, defs);
            claims.forEach((name, owner) -> guard.claim(ResourceType.WORKFLOW_DEF, name, owner));
        });
        return new BulkResponse(Map.of(), defs.stream().map(WorkflowDef::name).toList());
    }

    @PostMapping("/workflow/validate")
    void validateWorkflowDef(@RequestBody WorkflowDef def) {
        guard.requireAuthor();
        metadata.validateWorkflowDef(tenant.get(), def);
    }

    @GetMapping("/workflow")
    List<WorkflowDef> workflowDefs(@RequestParam(defaultValue = "false") boolean latestOnly) {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.WORKFLOW_DEF);
        return metadata.workflowDefs(tenant.get(), latestOnly).stream().filter(d -> readable.test(d.name())).toList();
    }

    /** Conductor's latest-versions listing: the latest version of each definition the caller may read. */
    @GetMapping("/workflow/latest-versions")
    List<WorkflowDef> latestWorkflowDefs() {
        return workflowDefs(true);
    }

    /** Conductor's listing of names and versions only: each name the caller may read, its versions in order. */
    @GetMapping("/workflow/names-and-versions")
    Map<String, List<WorkflowDefSummary>> workflowNamesAndVersions() {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.WORKFLOW_DEF);
        Map<String, List<WorkflowDefSummary>> byName = new java.util.TreeMap<>();
        for (WorkflowDefSummary s : metadata.workflowDefSummaries(tenant.get())) {
            if (readable.test(s.name())) {
                byName.computeIfAbsent(s.name(), n -> new java.util.ArrayList<>()).add(s);
            }
        }
        return byName;
    }

    @GetMapping("/workflow/{name}")
    WorkflowDef workflowDef(@PathVariable String name, @RequestParam(required = false) Integer version) {
        WorkflowDef def = metadata.workflowDef(tenant.get(), name, version).orElseThrow(() -> EngineException.notFound(
                "no workflow definition named '" + name + "'" + (version == null ? "" : " with version " + version)));
        guard.require(Permission.READ_DEFINITION, ResourceType.WORKFLOW_DEF, name);
        return def;
    }

    @DeleteMapping("/workflow/{name}/{version}")
    void deleteWorkflowDef(@PathVariable String name, @PathVariable int version) {
        TenantId t = tenant.get();
        if (workflowExists(name)) {
            guard.require(Permission.CHANGE_DEFINITION, ResourceType.WORKFLOW_DEF, name);
        }
        tx.run(t, () -> {
            metadata.deleteWorkflowDef(t, name, version);
            if (!workflowExists(name)) {
                guard.release(ResourceType.WORKFLOW_DEF, name);
            }
        });
    }

    /** The definition's owning team (the one claiming it, or its owner) may run everything it names. */
    private void requireComposition(TenantId t, WorkflowDef def, Optional<String> claim) {
        if (def == null || def.name() == null) {
            return;
        }
        String team = claim.orElseGet(() -> guard.owner(ResourceType.WORKFLOW_DEF, def.name()).orElse(null));
        composition.require(t, team, def);
    }

    private TaskDef existingTaskDef(String name) {
        return metadata.taskDef(tenant.get(), name)
                .orElseThrow(() -> EngineException.notFound("no task definition named '" + name + "'"));
    }

    private boolean workflowExists(String name) {
        return metadata.workflowDef(tenant.get(), name, null).isPresent();
    }
}
