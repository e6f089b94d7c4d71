package dev.baton.catalog;

/**
 * The catalog entry of a task type the platform brings (HTTP, ...): curated, published in every tenant, read from
 * a JSON resource next to its handler. A Spring bean of this type is all it takes to list one.
 */
public record BuiltInEntry(CatalogEntry entry) {}
