package dev.baton.tenancy;

/** A call that would take a tenant over one of its quotas; the API answers 429 naming the limit. */
public final class QuotaExceededException extends RuntimeException {

    private final String limit;
    private final long value;

    public QuotaExceededException(String limit, long value, String message) {
        super(message);
        this.limit = limit;
        this.value = value;
    }

    /** The quota's name, as in the tenant API: maxRunningWorkflows, maxRequestsPerSecond, maxPayloadBytes. */
    public String limit() {
        return limit;
    }

    /** The quota's value. */
    public long value() {
        return value;
    }
}
