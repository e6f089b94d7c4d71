package dev.baton.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A reusable task in the catalog: what it is for (title, markdown description, category, tags), who owns it and
 * who may use it, and its versions, newest first.
 */
public record CatalogEntry(
        String name,
        String title,
        String description,
        String category,
        List<String> tags,
        String ownerTeam,
        Visibility visibility,
        Instant createdAt,
        List<CatalogVersion> versions) {

    /** The newest usable version {@code ref} names ({@code 2}, {@code 2.1} or {@code 2.1.3}). */
    public Optional<CatalogVersion> resolve(String ref) {
        return versions.stream().filter(v -> v.usable() && v.semVer().matches(ref)).findFirst();
    }

    /** The exact version {@code version}, whatever its status. */
    public Optional<CatalogVersion> version(String version) {
        return versions.stream().filter(v -> v.version().equals(version)).findFirst();
    }

    /** The newest version workflows may use. */
    public Optional<CatalogVersion> latest() {
        return versions.stream().filter(CatalogVersion::usable).findFirst();
    }
}
