package dev.baton.engine.api;

import dev.baton.engine.api.definition.CatalogRef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.tenancy.TenantId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contracts of task-catalog entries, as the engine needs them: the wiring of a definition checked when it is
 * saved, and each catalog task's input and output checked when it runs. The task catalog answers it; without one,
 * catalog references are refused.
 */
public interface TaskContracts {

    /** Everything wrong with how {@code def}'s catalog tasks are wired, each naming its field; empty if nothing. */
    List<Violation> check(TenantId tenant, WorkflowDef def);

    /**
     * Checks a catalog task's resolved input against its entry's input contract, at the version {@code ref} names
     * now (the newest published of a major line); the answer names that exact version.
     */
    InputCheck checkInput(TenantId tenant, CatalogRef ref, Map<String, Object> input);

    /** The exact entry version a task runs against, and why its input breaks that version's contract, if it does. */
    record InputCheck(CatalogRef exact, Optional<String> violation) {}

    /** Why a catalog task's output breaks its entry's output contract, naming the field; empty when it fits. */
    Optional<String> outputViolation(TenantId tenant, CatalogRef ref, Map<String, Object> output);

    /** No catalog: a reference to one is a mistake. */
    TaskContracts NONE = new TaskContracts() {
        @Override
        public List<Violation> check(TenantId tenant, WorkflowDef def) {
            List<Violation> found = new java.util.ArrayList<>();
            for (int i = 0; i < def.tasks().size(); i++) {
                int index = i;
                def.tasks().get(i).visit(t -> {
                    if (t.catalog() != null) {
                        found.add(new Violation("tasks[" + index + "].catalog", "this server has no task catalog"));
                    }
                });
            }
            return found;
        }

        @Override
        public InputCheck checkInput(TenantId tenant, CatalogRef ref, Map<String, Object> input) {
            return new InputCheck(ref, Optional.of("this server has no task catalog"));
        }

        @Override
        public Optional<String> outputViolation(TenantId tenant, CatalogRef ref, Map<String, Object> output) {
            return Optional.empty();
        }
    };
}
