package dev.baton.engine.api;

import dev.baton.tenancy.TenantId;
import java.util.List;

/** Ready tasks per tenant across the installation: what an operator's queue-depth gauges show. */
public interface QueueDepths {

    /** A tenant's tasks ready now: in its workers' queues, and in the server's (HTTP, mail, database, containers). */
    record Depth(TenantId tenant, long workerReady, long serverReady) {}

    /** Every tenant with a task ready, one query over the queues' partial index. */
    List<Depth> all();
}
