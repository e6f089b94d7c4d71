package dev.baton.engine.internal.definition;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.MetadataService;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowDefSummary;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The metadata service: validates definitions, then stores them in the tenant's transaction. */
public final class DefinitionRegistry implements MetadataService {

    private final TenantTransactions tx;
    private final DefinitionStore store;
    private final DefinitionValidator validator;
    private final Clock clock;

    public DefinitionRegistry(TenantTransactions tx, DefinitionStore store, DefinitionValidator validator, Clock clock) {
        this.tx = tx;
        this.store = store;
        this.validator = validator;
        this.clock = clock;
    }

    @Override
    public void registerTaskDefs(TenantId tenant, List<TaskDef> defs) {
        if (defs == null || defs.isEmpty()) {
            throw EngineException.invalid("", "at least one task definition is required");
        }
        requireBatchSize(defs.size());
        for (int i = 0; i < defs.size(); i++) {
            validator.validateTaskDef(defs.get(i), "[" + i + "]");
        }
        long now = clock.millis();
        tx.run(tenant, () -> defs.forEach(d -> {
            Long created = store.taskDef(d.name()).map(TaskDef::createTime).orElse(now);
            store.upsertTaskDef(tenant, d.withAudit(created, now));
        }));
    }

    @Override
    public void updateTaskDef(TenantId tenant, TaskDef def) {
        validator.validateTaskDef(def, "");
        long now = clock.millis();
        tx.run(tenant, () -> {
            TaskDef existing = store.taskDef(def.name())
                    .orElseThrow(() -> EngineException.notFound("no task definition named '" + def.name() + "'"));
            store.upsertTaskDef(tenant, def.withAudit(existing.createTime(), now));
        });
    }

    @Override
    public Optional<TaskDef> taskDef(TenantId tenant, String name) {
        return tx.read(tenant, () -> store.taskDef(name));
    }

    @Override
    public List<TaskDef> taskDefs(TenantId tenant) {
        return tx.read(tenant, store::taskDefs);
    }

    @Override
    public void deleteTaskDef(TenantId tenant, String name) {
        tx.run(tenant, () -> {
            if (!store.deleteTaskDef(name)) {
                throw EngineException.notFound("no task definition named '" + name + "'");
            }
        });
    }

    @Override
    public void registerWorkflowDef(TenantId tenant, WorkflowDef def) {
        tx.run(tenant, () -> {
            validator.validateWorkflowDef(tenant, def, store::taskDef);
            long now = clock.millis();
            if (!store.insertWorkflowDef(tenant, def.withVersionAndAudit(def.versionOrDefault(), now, now))) {
                throw EngineException.conflict("workflow definition '" + def.name() + "' version "
                        + def.versionOrDefault() + " already exists; update it with PUT");
            }
        });
    }

    @Override
    public void updateWorkflowDefs(TenantId tenant, List<WorkflowDef> defs) {
        if (defs == null || defs.isEmpty()) {
            throw EngineException.invalid("", "at least one workflow definition is required");
        }
        requireBatchSize(defs.size());
        tx.run(tenant, () -> {
            long now = clock.millis();
            for (int i = 0; i < defs.size(); i++) {
                WorkflowDef def = defs.get(i);
                try {
                    validator.validateWorkflowDef(tenant, def, store::taskDef);
                } catch (EngineException e) {
                    throw e.under("[" + i + "].");
                }
                Long created = store.workflowDef(def.name(), def.versionOrDefault())
                        .map(WorkflowDef::createTime).orElse(now);
                store.upsertWorkflowDef(tenant, def.withVersionAndAudit(def.versionOrDefault(), created, now));
            }
        });
    }

    @Override
    public void validateWorkflowDef(TenantId tenant, WorkflowDef def) {
        tx.read(tenant, () -> {
            validator.validateWorkflowDef(tenant, def, store::taskDef);
            return null;
        });
    }

    @Override
    public Optional<WorkflowDef> workflowDef(TenantId tenant, String name, Integer version) {
        return tx.read(tenant, () -> store.workflowDef(name, version));
    }

    @Override
    public List<WorkflowDef> workflowDefs(TenantId tenant, boolean latestOnly) {
        return tx.read(tenant, () -> store.workflowDefs(latestOnly));
    }

    @Override
    public List<WorkflowDefSummary> workflowDefSummaries(TenantId tenant) {
        return tx.read(tenant, store::workflowDefSummaries);
    }

    @Override
    public void deleteWorkflowDef(TenantId tenant, String name, int version) {
        tx.run(tenant, () -> {
            if (!store.deleteWorkflowDef(name, version)) {
                throw EngineException.notFound("no workflow definition named '" + name + "' with version " + version);
            }
        });
    }

    private void requireBatchSize(int size) {
        int most = validator.limits().definitionsPerCall();
        if (size > most) {
            throw EngineException.invalid("", size + " definitions in one call; at most " + most
                    + " are allowed (baton.engine.limits.definitions-per-call)");
        }
    }
}
