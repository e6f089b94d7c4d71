package dev.baton.engine.api;

import java.util.List;

/** A request the engine refuses; its kind tells the API layer which HTTP status to answer with. */
public class EngineException extends RuntimeException {

    /** Why a request was refused. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;
    private final String field;
    private final List<Violation> violations;

    public EngineException(Kind kind, String field, String message) {
        this(kind, field, message, List.of());
    }

    private EngineException(Kind kind, String field, String message, List<Violation> violations) {
        super(message);
        this.kind = kind;
        this.field = field;
        this.violations = List.copyOf(violations);
    }

    /** A refusal for every one of {@code violations} (at least one): the first names the field. */
    public static EngineException invalid(List<Violation> violations) {
        Violation first = violations.get(0);
        String message = violations.size() == 1 ? first.reason()
                : violations.size() + " problems, the first: " + first.field() + ": " + first.reason();
        return new EngineException(Kind.INVALID, first.field(), message, violations);
    }

    /** The same refusal with every field path under {@code prefix} (a definition's place in a list). */
    public EngineException under(String prefix) {
        return new EngineException(kind, field == null ? null : prefix + field, getMessage(), violations.stream()
                .map(v -> new Violation(prefix + v.field(), v.reason())).toList());
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

    /** A refusal because of the state things are in, for every one of {@code violations} (at least one). */
    public static EngineException conflict(String message, List<Violation> violations) {
        return new EngineException(Kind.CONFLICT, violations.get(0).field(), message, violations);
    }

    public Kind kind() {
        return kind;
    }

    /** Every problem found, when more than one could be (a definition's contracts); else empty. */
    public List<Violation> violations() {
        return violations;
    }

    /** The input field at fault, as a path like {@code tasks[2].taskReferenceName}, or null. */
    public String field() {
        return field;
    }
}
