package dev.baton.tasks;

import dev.baton.connections.Connection;
import dev.baton.connections.ConnectionKind;
import dev.baton.connections.Vault;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.spi.InputException;
import dev.baton.engine.spi.TaskCall;

/** What the reusable tasks check alike in their input: bounded numbers, and the connection they name. */
public final class TaskInputs {

    private TaskInputs() {}

    /** {@code value} between 1 and {@code most}; {@code otherwise} (capped at {@code most}) when absent. */
    public static int bounded(Integer value, int otherwise, int most, String field) {
        if (value == null) {
            return Math.min(otherwise, most);
        }
        if (value < 1 || value > most) {
            throw new InputException(field, "must be between 1 and " + most);
        }
        return value;
    }

    /**
     * The {@code kind} connection named in input {@code connection}, for the task's workflow team; a missing one, one
     * of another kind or one the team may not use fails the task for good, naming the field.
     */
    public static Connection connection(Vault vault, TaskCall call, String name, ConnectionKind kind) {
        try {
            return vault.use(call.tenant(), call.team(), name, kind, "connection");
        } catch (EngineException e) {
            throw new InputException("connection", e.getMessage());
        }
    }
}
