package dev.baton.catalog;

/** A workflow task that uses an entry: where it is, the version it asks for, and the one that answers now. */
public record Use(String workflow, int workflowVersion, String taskReferenceName, String requestedVersion,
        String resolvedVersion) {}
