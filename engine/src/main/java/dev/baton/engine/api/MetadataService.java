package dev.baton.engine.api;

import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowDefSummary;
import dev.baton.tenancy.TenantId;
import java.util.List;
import java.util.Optional;

/** Registers, reads and removes task and workflow definitions of a tenant. */
public interface MetadataService {

    /** Creates or replaces task definitions, after validating every one of them. */
    void registerTaskDefs(TenantId tenant, List<TaskDef> defs);

    /** Replaces an existing task definition. */
    void updateTaskDef(TenantId tenant, TaskDef def);

    Optional<TaskDef> taskDef(TenantId tenant, String name);

    List<TaskDef> taskDefs(TenantId tenant);

    void deleteTaskDef(TenantId tenant, String name);

    /** Registers a new workflow definition version; fails if that name and version exist. */
    void registerWorkflowDef(TenantId tenant, WorkflowDef def);

    /** Creates or replaces workflow definitions, after validating every one of them. */
    void updateWorkflowDefs(TenantId tenant, List<WorkflowDef> defs);

    /** Validates a workflow definition without storing it. */
    void validateWorkflowDef(TenantId tenant, WorkflowDef def);

    /** The given version, or the latest when {@code version} is null. */
    Optional<WorkflowDef> workflowDef(TenantId tenant, String name, Integer version);

    /** Every version of every workflow definition, or only the latest of each. */
    List<WorkflowDef> workflowDefs(TenantId tenant, boolean latestOnly);

    /** Every version of every workflow definition, without their bodies, by name and then version. */
    List<WorkflowDefSummary> workflowDefSummaries(TenantId tenant);

    void deleteWorkflowDef(TenantId tenant, String name, int version);
}
