package dev.baton.authz.access;

/** What a grant lets another team do with a resource; EXECUTE and UPDATE include READ. */
public enum Access {
    READ, EXECUTE, UPDATE;

    /** Whether holding this access gives {@code wanted}. */
    public boolean covers(Access wanted) {
        return this == wanted || wanted == READ;
    }
}
