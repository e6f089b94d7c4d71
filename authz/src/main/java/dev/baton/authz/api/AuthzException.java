package dev.baton.authz.api;

/** A refusal of a request about identities, teams or grants, with the field at fault; the API maps it to 4xx. */
public final class AuthzException extends RuntimeException {

    /** What kind of refusal, and so which HTTP status. */
    public enum Kind {
        INVALID, NOT_FOUND, CONFLICT
    }

    private final Kind kind;
    private final String field;

    private AuthzException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public static AuthzException invalid(String field, String message) {
        return new AuthzException(Kind.INVALID, field, message);
    }

    public static AuthzException notFound(String message) {
        return new AuthzException(Kind.NOT_FOUND, null, message);
    }

    public static AuthzException conflict(String field, String message) {
        return new AuthzException(Kind.CONFLICT, field, message);
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
