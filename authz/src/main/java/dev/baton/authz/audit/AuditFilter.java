package dev.baton.authz.audit;

import dev.baton.authz.api.Caller;
import dev.baton.authz.token.CallerAuthentication;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Records every state-changing API call of an authenticated caller, allowed or refused, once its outcome is known,
 * and tags every response with a request id ({@code X-Request-Id}, the caller's own if it sent a sane one).
 *
 * <p>A call without a valid token names no tenant, so it has no trail to go into; it is refused before this filter.
 */
public final class AuditFilter extends OncePerRequestFilter {

    public static final String REQUEST_ID = "X-Request-Id";

    /** The request attribute where a permission check leaves the team the caller acted through. */
    public static final String ACTING_TEAM = AuditFilter.class.getName() + ".team";

    private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    private final AuditTrail trail;
    private final Clock clock;
    private final ConsoleRelay relay;

    public AuditFilter(AuditTrail trail, Clock clock, ConsoleRelay relay) {
        this.trail = trail;
        this.clock = clock;
        this.relay = relay;
    }

    /** The request id of this request: the caller's {@code X-Request-Id} if it is sane, else a new one. */
    public static String requestId(HttpServletRequest request) {
        Object known = request.getAttribute(REQUEST_ID);
        if (known instanceof String s) {
            return s;
        }
        String sent = request.getHeader(REQUEST_ID);
        String id = sent != null && SANE_ID.matcher(sent).matches() ? sent : UUID.randomUUID().toString();
        request.setAttribute(REQUEST_ID, id);
        return id;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String requestId = requestId(request);
        response.setHeader(REQUEST_ID, requestId);
        if (!CHANGING.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        int status = 500;
        WithinChange within = new WithinChange(request, requestId);
        try (TenantTransactions.Bound bound = TenantTransactions.beforeCommit(within)) {
            chain.doFilter(request, response);
            status = response.getStatus();
        } finally {
            if (within.committed != null) {
                trail.answered(within.committed.id(), status);
            } else if (SecurityContextHolder.getContext().getAuthentication() instanceof CallerAuthentication in) {
                record(entry(request, in.caller(), requestId).answered(status));
            }
        }
    }

    /**
     * Writes the call's entry into the first transaction of the call that changes something in the caller's
     * tenant, so the change and its record commit together and the call waits for no second commit.
     */
    private final class WithinChange implements TenantTransactions.BeforeCommit {
        private final HttpServletRequest request;
        private final String requestId;
        private AuditEntry written;
        private AuditEntry committed;

        WithinChange(HttpServletRequest request, String requestId) {
            this.request = request;
            this.requestId = requestId;
        }

        @Override
        public void beforeCommit(TenantId tenant) {
            if (written != null || !(SecurityContextHolder.getContext().getAuthentication()
                    instanceof CallerAuthentication in) || !in.caller().tenant().equals(tenant)) {
                return;
            }
            AuditEntry entry = entry(request, in.caller(), requestId);
            trail.writeWithin(entry);
            written = entry;
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int outcome) {
                    if (outcome == STATUS_COMMITTED) {
                        committed = entry;
                    } else {
                        written = null;
                    }
                }
            });
        }
    }

    /** The call's entry before its answer is known: it says the change succeeded, with no status yet. */
    private AuditEntry entry(HttpServletRequest request, Caller caller, String requestId) {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String path = request.getRequestURI();
        Object acting = request.getAttribute(ACTING_TEAM);
        String team = acting instanceof String t ? t
                : caller.teams().size() == 1 ? caller.teams().keySet().iterator().next() : null;
        return new AuditEntry(caller.tenant(), UUID.randomUUID(), clock.instant(), caller.subject(),
                caller.name(), caller.kind().name(), team,
                request.getMethod() + " " + (pattern instanceof String p ? p : path), path,
                AuditEntry.Outcome.SUCCEEDED, null, requestId, relay.clientAddress(request));
    }

    private void record(AuditEntry entry) {
        try {
            trail.record(entry);
        } catch (RuntimeException e) {
            // the call itself has happened; failing its answer now would only hide that from the caller
            log.error("AUDIT ENTRY LOST: {}", entry, e);
        }
    }
}
