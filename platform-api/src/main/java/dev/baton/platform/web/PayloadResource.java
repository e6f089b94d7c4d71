package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.api.Caller;
import dev.baton.authz.web.ProblemResponses;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.ExternalPayloads;
import dev.baton.engine.api.ExternalPayloads.Operation;
import dev.baton.engine.api.ExternalPayloads.PayloadType;
import dev.baton.tenancy.Tenants;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Conductor's external payload storage for its official clients: {@code GET /api/workflow/externalstoragelocation}
 * and {@code GET /api/tasks/externalstoragelocation} hand out a place, and {@code /api/payloads/{token}} is the
 * place's URI, which the client uses without credentials, as it does with Conductor's S3 URIs.
 */
@RestController
public class PayloadResource {

    private final ExternalPayloads payloads;
    private final CurrentTenant tenant;
    private final Tenants tenants;

    public PayloadResource(ExternalPayloads payloads, CurrentTenant tenant, Tenants tenants) {
        this.payloads = payloads;
        this.tenant = tenant;
        this.tenants = tenants;
    }

    /** Conductor's answer: where to upload or download, and the path to name the payload by. */
    public record ExternalStorageLocation(String uri, String path) {}

    @GetMapping("/api/workflow/externalstoragelocation")
    ExternalStorageLocation workflowLocation(@RequestParam(required = false) String path,
            @RequestParam String operation, @RequestParam String payloadType) {
        return location(path, operation, payloadType, Set.of(PayloadType.WORKFLOW_INPUT, PayloadType.WORKFLOW_OUTPUT),
                Permission.OPERATE_EXECUTIONS);
    }

    @GetMapping("/api/tasks/externalstoragelocation")
    ExternalStorageLocation taskLocation(@RequestParam(required = false) String path,
            @RequestParam String operation, @RequestParam String payloadType) {
        return location(path, operation, payloadType, Set.of(PayloadType.TASK_INPUT, PayloadType.TASK_OUTPUT),
                Permission.WORK_TASKS);
    }

    private ExternalStorageLocation location(String path, String operation, String payloadType,
            Set<PayloadType> here, Permission needed) {
        Operation op = parse(Operation.class, "operation", operation);
        PayloadType type = parse(PayloadType.class, "payloadType", payloadType);
        if (!here.contains(type)) {
            throw EngineException.invalid("payloadType", "this resource's places hold " + here.stream().sorted()
                    .map(Enum::name).toList() + ", not " + type);
        }
        Caller caller = tenant.caller();
        if (op == Operation.WRITE && !caller.tenantAdmin() && caller.teamsWithAnyOf(needed.roles()).isEmpty()) {
            // uploads take room of the tenant's; only those who can use them for something may take it
            throw new AccessDeniedException("missing permission: upload a " + type + " payload (needs the role "
                    + needed.roles().stream().map(Enum::name).sorted().toList() + " in a team)");
        }
        Integer quota = tenants.find(tenant.get()).map(t -> t.quotas().maxPayloadBytes()).orElse(null);
        ExternalPayloads.Place place = payloads.place(tenant.get(), op, type, path,
                quota == null ? Long.MAX_VALUE : quota, caller.subject());
        String uri = ServletUriComponentsBuilder.fromCurrentContextPath().path("/api/payloads/{token}")
                .buildAndExpand(place.token()).toUriString();
        return new ExternalStorageLocation(uri, place.path());
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid(field, "must be one of " + java.util.Arrays.toString(type.getEnumConstants())
                    + ", not '" + value + "'");
        }
    }

    /** The upload: the JSON object is the body; the place is written once. */
    @PutMapping("/api/payloads/{token}")
    void upload(@PathVariable String token, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        switch (payloads.store(token, request.getInputStream())) {
            case ExternalPayloads.Stored.Done done -> response.setStatus(HttpServletResponse.SC_CREATED);
            case ExternalPayloads.Stored.TooLarge tooLarge -> ProblemResponses.write(response, 413,
                    "payload-too-large", "the payload is larger than the " + tooLarge.limit() + " bytes ("
                            + tooLarge.name() + ") this place takes; nothing was stored",
                    request.getRequestURI(), Map.of("field", "body", "limit", tooLarge.name(),
                            "value", tooLarge.limit()));
        }
    }

    @GetMapping("/api/payloads/{token}")
    ResponseEntity<byte[]> download(@PathVariable String token) {
        return payloads.fetch(token).map(data -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(data)).orElseThrow(() -> EngineException.notFound(
                        "this payload URI is unknown or has expired"));
    }
}
