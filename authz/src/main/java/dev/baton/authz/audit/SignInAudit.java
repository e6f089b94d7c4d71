package dev.baton.authz.audit;

import dev.baton.authz.api.Caller;
import dev.baton.authz.identity.Identities;
import dev.baton.tenancy.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Records sign-ins, successful or refused, in the trail of the tenant the credentials belong to. A refused sign-in
 * with a login or key that exists nowhere belongs to no tenant and only reaches the application log.
 */
public final class SignInAudit {

    private static final Logger log = LoggerFactory.getLogger(SignInAudit.class);

    private final AuditTrail trail;
    private final Clock clock;

    public SignInAudit(AuditTrail trail, Clock clock) {
        this.trail = trail;
        this.clock = clock;
    }

    /** A successful sign-in of {@code caller} by {@code method} (api-token, password, client-credentials, ...). */
    public void succeeded(Caller caller, String method, String credential) {
        write(caller.tenant(), caller.subject(), caller.name(), caller.kind().name(),
                caller.teams().size() == 1 ? caller.teams().keySet().iterator().next() : null, method, credential,
                AuditEntry.Outcome.SUCCEEDED);
    }

    /** A refused sign-in with a credential of {@code tenant}. */
    private void refused(TenantId tenant, String credential, String kind, String method) {
        write(tenant, credential, null, kind, null, method, credential, AuditEntry.Outcome.DENIED);
    }

    /** A refused sign-in with an application key: in its tenant's trail when the key exists, else only logged. */
    public void refusedKey(Optional<Identities.SignInKey> key, String keyId, String method) {
        key.ifPresentOrElse(k -> refused(k.tenant(), keyId, "APPLICATION", method),
                () -> refusedUnknown(keyId, method));
    }

    /** A refused sign-in with a login: in its tenant's trail when the user exists, else only logged. */
    public void refusedLogin(Optional<Identities.SignInUser> user, String login, String method) {
        user.ifPresentOrElse(u -> refused(u.tenant(), login, "USER", method), () -> refusedUnknown(login, method));
    }

    /** A refused sign-in with a credential that belongs to no tenant. */
    private void refusedUnknown(String credential, String method) {
        HttpServletRequest request = currentRequest();
        log.info("refused sign-in by {} with unknown credential '{}' from {}", method, credential,
                request == null ? "?" : request.getRemoteAddr());
    }

    private void write(TenantId tenant, String actor, String actorName, String kind, String team, String method,
            String credential, AuditEntry.Outcome outcome) {
        HttpServletRequest request = currentRequest();
        AuditEntry entry = new AuditEntry(tenant, UUID.randomUUID(), clock.instant(), actor, actorName, kind, team,
                "sign-in/" + method, credential, outcome, null,
                request == null ? UUID.randomUUID().toString() : AuditFilter.requestId(request),
                request == null ? null : request.getRemoteAddr());
        try {
            trail.record(entry);
        } catch (RuntimeException e) {
            log.error("AUDIT ENTRY LOST: {}", entry, e);
        }
    }

    /** The address the current request came from, or null outside a request. */
    public static String currentAddress() {
        HttpServletRequest request = currentRequest();
        return request == null ? null : request.getRemoteAddr();
    }

    private static HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a
                ? a.getRequest() : null;
    }
}
