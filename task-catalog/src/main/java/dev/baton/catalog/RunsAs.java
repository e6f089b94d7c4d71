package dev.baton.catalog;

/**
 * How a catalog entry runs: as a task type the server runs ({@code BUILT_IN}, e.g. HTTP), or as a worker task
 * ({@code WORKER}) whose task definition has the given name.
 */
public record RunsAs(Kind kind, String type) {

    /** Who does the work. */
    public enum Kind {
        BUILT_IN, WORKER
    }
}
