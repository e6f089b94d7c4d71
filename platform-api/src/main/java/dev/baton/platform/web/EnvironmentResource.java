package dev.baton.platform.web;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EnvironmentVariables;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Conductor's environment API (and Orkes' changes to it): the tenant's environment variables, which its workflows
 * read as {@code ${env.name}}. Anyone of the tenant reads them; tenant administrators change them.
 */
@RestController
@RequestMapping("/api/environment")
public class EnvironmentResource {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EnvironmentVariables environment;
    private final CurrentTenant tenant;

    public EnvironmentResource(EnvironmentVariables environment, CurrentTenant tenant) {
        this.environment = environment;
        this.tenant = tenant;
    }

    @GetMapping
    List<EnvironmentVariables.Variable> list() {
        return environment.list(tenant.get());
    }

    @GetMapping(path = "/{key}", produces = MediaType.TEXT_PLAIN_VALUE)
    String get(@PathVariable String key) {
        return environment.get(tenant.get(), key).orElseThrow(() -> missing(key));
    }

    /** The body is the value: text, or a JSON string as the official clients send it. */
    @PutMapping("/{key}")
    void put(@PathVariable String key, @RequestBody(required = false) String body) {
        requireAdministrator("change environment variables");
        String value = body;
        if (body != null && body.length() >= 2 && body.startsWith("\"") && body.endsWith("\"")) {
            try {
                value = JSON.readValue(body, String.class);
            } catch (RuntimeException notJson) {
                value = body;
            }
        }
        environment.put(tenant.get(), key, value, tenant.caller().subject());
    }

    @DeleteMapping(path = "/{key}", produces = MediaType.TEXT_PLAIN_VALUE)
    String delete(@PathVariable String key) {
        requireAdministrator("remove environment variables");
        return environment.delete(tenant.get(), key).orElseThrow(() -> missing(key));
    }

    private void requireAdministrator(String what) {
        if (!tenant.caller().tenantAdmin()) {
            throw new AccessDeniedException("missing permission: " + what + " (tenant administrators only)");
        }
    }

    private static EngineException missing(String key) {
        return EngineException.notFound("no environment variable named '" + key + "'");
    }
}
