package dev.baton.authz.audit;

import dev.baton.tenancy.TenantId;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * One thing somebody did or tried to do.
 *
 * @param actor the id of the user or application (or the login or key id a refused sign-in named)
 * @param action what was attempted: an HTTP method and endpoint pattern, or {@code sign-in/<method>}
 * @param resource what it was done to: the request path, or the key or login that signed in
 * @param status the HTTP status the caller got, when there was one
 */
public record AuditEntry(TenantId tenant, UUID id, Instant at, String actor, String actorName, String actorKind,
        String team, String action, String resource, Outcome outcome, Integer status, String requestId,
        String sourceAddress) {

    /** How the attempt ended. */
    public enum Outcome {
        SUCCEEDED, DENIED, FAILED;

        /** The outcome an HTTP status stands for: 401 and 403 are refusals, other 4xx and 5xx failures. */
        public static Outcome ofStatus(int status) {
            if (status == 401 || status == 403) {
                return DENIED;
            }
            return status >= 400 ? FAILED : SUCCEEDED;
        }
    }

    /** This entry with the outcome and status of the call's answer. */
    public AuditEntry answered(int status) {
        return new AuditEntry(tenant, id, at, actor, actorName, actorKind, team, action, resource,
                Outcome.ofStatus(status), status, requestId, sourceAddress);
    }

    /** The fields the hash covers, in a fixed order (everything but the chain itself). */
    Object[] hashedFields(long seq) {
        return new Object[] {tenant.value(), seq, id.toString(), at.toString(), actor, actorName, actorKind, team,
            action, resource, outcome.name(), status, requestId, sourceAddress};
    }

    @Override
    public String toString() {
        return "AuditEntry" + Arrays.toString(hashedFields(0));
    }
}
