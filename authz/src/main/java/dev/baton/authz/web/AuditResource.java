package dev.baton.authz.web;

import dev.baton.authz.api.Caller;
import dev.baton.authz.audit.AuditTrail;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** A tenant administrator's view of the tenant's audit trail: query, export as JSON lines, verify the chain. */
@RestController
@RequestMapping("/api/audit")
public class AuditResource {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AuditTrail trail;

    public AuditResource(AuditTrail trail) {
        this.trail = trail;
    }

    @GetMapping
    public ResponseEntity<?> query(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String actor, @RequestParam(required = false) String action,
            @RequestParam(required = false) String resource, @RequestParam(defaultValue = "100") int limit) {
        requireAdmin(caller);
        if (limit < 1 || limit > 1000) {
            return badRequest("limit", "must be between 1 and 1000");
        }
        Object q = query(from, to, actor, action, resource, limit);
        if (q instanceof ResponseEntity<?> refused) {
            return refused;
        }
        return ResponseEntity.ok(trail.query(caller.tenant(), (AuditTrail.Query) q).stream()
                .map(AuditResource::view).toList());
    }

    @GetMapping("/export")
    public ResponseEntity<?> export(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String actor, @RequestParam(required = false) String action,
            @RequestParam(required = false) String resource, HttpServletResponse response) throws IOException {
        requireAdmin(caller);
        Object q = query(from, to, actor, action, resource, Integer.MAX_VALUE);
        if (q instanceof ResponseEntity<?> refused) {
            return refused;
        }
        response.setContentType("application/x-ndjson");
        response.setCharacterEncoding("UTF-8");
        OutputStream out = response.getOutputStream();
        trail.export(caller.tenant(), (AuditTrail.Query) q, r -> {
            try {
                out.write(JSON.writeValueAsString(view(r)).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        out.flush();
        return null;
    }

    @GetMapping("/verify")
    public AuditTrail.Verification verify(@AuthenticationPrincipal Caller caller) {
        requireAdmin(caller);
        return trail.verify(caller.tenant());
    }

    private static void requireAdmin(Caller caller) {
        if (caller == null || !caller.tenantAdmin()) {
            throw new AccessDeniedException(
                    "missing permission: read the audit trail (needs the tenant administrator role)");
        }
    }

    private static Object query(String from, String to, String actor, String action, String resource, int limit) {
        Instant f;
        Instant t;
        try {
            f = from == null ? null : Instant.parse(from);
        } catch (DateTimeParseException e) {
            return badRequest("from", "is not an ISO-8601 instant such as 2026-11-22T10:00:00Z");
        }
        try {
            t = to == null ? null : Instant.parse(to);
        } catch (DateTimeParseException e) {
            return badRequest("to", "is not an ISO-8601 instant such as 2026-11-22T10:00:00Z");
        }
        return new AuditTrail.Query(f, t, actor, action, resource, limit);
    }

    static Map<String, Object> view(AuditTrail.Recorded r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("seq", r.seq());
        v.put("id", r.entry().id());
        v.put("at", r.entry().at().toString());
        v.put("actor", r.entry().actor());
        v.put("actorName", r.entry().actorName());
        v.put("actorKind", r.entry().actorKind());
        v.put("team", r.entry().team());
        v.put("action", r.entry().action());
        v.put("resource", r.entry().resource());
        v.put("outcome", r.entry().outcome());
        v.put("status", r.entry().status());
        v.put("requestId", r.entry().requestId());
        v.put("sourceAddress", r.entry().sourceAddress());
        v.put("prevHash", r.prevHash());
        v.put("hash", r.hash());
        return v;
    }

    private static ResponseEntity<ProblemDetail> badRequest(String field, String reason) {
        return ProblemResponses.problem(HttpStatus.BAD_REQUEST, field, reason);
    }
}
