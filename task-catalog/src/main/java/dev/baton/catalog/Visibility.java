package dev.baton.catalog;

/** Who may see and use a catalog entry. */
public enum Visibility {
    /** The owning team only. */
    TEAM,
    /** Every team of the tenant. */
    TENANT,
    /** Every tenant: the platform's own task types. */
    CURATED
}
