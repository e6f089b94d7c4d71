package dev.baton.catalog;

/** Where a catalog version is in its life: drafts change, published versions never do. */
public enum VersionStatus {
    DRAFT, PUBLISHED, DEPRECATED
}
