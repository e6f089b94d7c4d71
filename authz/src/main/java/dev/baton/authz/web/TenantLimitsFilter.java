package dev.baton.authz.web;

import dev.baton.authz.token.CallerAuthentication;
import dev.baton.tenancy.RequestRates;
import dev.baton.tenancy.Tenant;
import dev.baton.tenancy.Tenants;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies the caller's tenant's standing to every API call: a suspended tenant's calls are refused (403), a deleted
 * tenant's tokens no longer work (401), calls over the tenant's request rate get 429 and bodies over its payload
 * size 413, each naming the limit.
 *
 * <p>The request rate is counted for all nodes at once ({@link RequestRates}), so several nodes behind a balancer
 * together allow the tenant's rate, not each of them.
 */
public final class TenantLimitsFilter extends OncePerRequestFilter {

    private final Tenants tenants;
    private final RequestRates rates;
    private final ApiCallObserver calls;

    public TenantLimitsFilter(Tenants tenants, RequestRates rates, ApiCallObserver calls) {
        this.tenants = tenants;
        this.rates = rates;
        this.calls = calls;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (!(auth instanceof CallerAuthentication signedIn)) {
            chain.doFilter(request, response);
            return;
        }
        Optional<Tenant> found = tenants.find(signedIn.caller().tenant());
        if (found.isEmpty()) {
            ProblemResponses.write(response, 401, "unauthenticated", "the token's tenant '"
                    + signedIn.caller().tenant().value() + "' no longer exists", request.getRequestURI());
            return;
        }
        Tenant tenant = found.get();
        boolean answered = false;
        try {
            limited(tenant, request, response, chain);
            answered = true;
        } finally {
            calls.answered(tenant.id(), answered ? response.getStatus() : 500);
        }
    }

    private void limited(Tenant tenant, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (tenant.status() == Tenant.Status.SUSPENDED) {
            ProblemResponses.write(response, 403, "tenant-suspended", "the tenant '" + tenant.id().value()
                    + "' is suspended; its data is kept, but it cannot act until a platform operator resumes it",
                    request.getRequestURI());
            return;
        }
        Integer rate = tenant.quotas().maxRequestsPerSecond();
        if (rate != null && !rates.tryAcquire(tenant.id(), rate)) {
            response.setHeader("Retry-After", "1");
            tooMany(response, request, "maxRequestsPerSecond", rate, "the tenant's callers together may make at most "
                    + rate + " API calls per second");
            return;
        }
        Integer maxBytes = tenant.quotas().maxPayloadBytes();
        if (maxBytes != null) {
            long declared = request.getContentLengthLong();
            if (declared > maxBytes) {
                tooLarge(response, request, maxBytes, "the request body is " + declared
                        + " bytes; the tenant's limit is " + maxBytes);
                return;
            }
            if (declared < 0) {
                byte[] body = request.getInputStream().readNBytes(maxBytes + 1);
                if (body.length > maxBytes) {
                    tooLarge(response, request, maxBytes, "the request body is over the tenant's limit of "
                            + maxBytes + " bytes");
                    return;
                }
                request = new BufferedBody(request, body);
            }
        }
        chain.doFilter(request, response);
    }

    /** Over the tenant's payload quota: 413, as for any body too large, naming the quota and its value. */
    private static void tooLarge(HttpServletResponse response, HttpServletRequest request, long value, String detail)
            throws IOException {
        ProblemResponses.write(response, 413, "payload-too-large", detail, request.getRequestURI(),
                Map.of("field", "body", "limit", "maxPayloadBytes", "value", value));
    }

    private static void tooMany(HttpServletResponse response, HttpServletRequest request, String limit, long value,
            String detail) throws IOException {
        ProblemResponses.write(response, 429, "quota-exceeded", detail, request.getRequestURI(),
                Map.of("limit", limit, "value", value));
    }
}
