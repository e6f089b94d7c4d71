package dev.baton.engine.spi;

import dev.baton.tenancy.TenantId;

/**
 * Where executions removed by retention are kept first: JSON lines, one execution (with its tasks) per line, under a
 * name the engine makes ({@code 2026/12/05/<uuid>.jsonl}), per tenant.
 */
public interface ExecutionArchive {

    /** Keeps the lines; throws when they could not be kept, and then nothing is removed. */
    void keep(TenantId tenant, String name, byte[] jsonLines);

    /** Where the archive is, for operators ({@code s3}, a directory). */
    String where();
}
