package dev.baton.engine.api;

/** A request the engine refuses; its kind tells the API layer which HTTP status to answer with. */
public class EngineException extends RuntimeException {

    /** Why a request was refused. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;
    private final String field;

    public EngineException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public static EngineException invalid(String field, String message) {
        return new EngineException(Kind.INVALID, field, message);
    }

    public static EngineException notFound(String message) {
        return new EngineException(Kind.NOT_FOUND, null, message);
    }

    public static EngineException conflict(String message) {
        return new EngineException(Kind.CONFLICT, null, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The input field at fault, as a path like {@code tasks[2].taskReferenceName}, or null. */
    public String field() {
        return field;
    }
}
