package dev.baton.engine.api.definition;

/**
 * A workflow task's reference to a task-catalog entry: its name and a version, exact ({@code 1.2.0}) or the newest
 * published one of a major ({@code 1}) or minor ({@code 1.2}) line.
 */
public record CatalogRef(String name, String version) {

    @Override
    public String toString() {
        return name + "@" + version;
    }
}
