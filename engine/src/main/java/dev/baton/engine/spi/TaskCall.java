package dev.baton.engine.spi;

import dev.baton.tenancy.TenantId;
import java.time.Instant;
import java.util.UUID;

/** What an asynchronous task's attempt knows of where it runs. */
public interface TaskCall {

    TenantId tenant();

    /** The team that owns the task's workflow (null when no team does): what it may use is what this team may. */
    String team();

    UUID workflowId();

    UUID taskId();

    /** 0 for the first attempt. */
    int retryCount();

    /** When the worker gives up on this attempt. */
    Instant deadline();

    /** Adds a line to the task's execution log. */
    void log(String line);
}
