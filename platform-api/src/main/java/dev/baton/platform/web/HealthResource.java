package dev.baton.platform.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.dao.DataAccessException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Conductor's version ({@code GET /api/version}, for signed-in callers) and health check ({@code GET /health}, {@code /api/health}), open like {@code /actuator/health}: healthy
 * while the database answers, in Conductor's shape; 503 when it does not, so a load balancer can tell.
 */
@RestController
public class HealthResource {

    private final JdbcClient jdbc;
    private final String version;

    public HealthResource(JdbcClient jdbc, ObjectProvider<BuildProperties> build) {
        this.jdbc = jdbc;
        BuildProperties b = build.getIfAvailable();
        this.version = b == null ? "unknown" : b.getVersion();
    }

    /** The server's version, as text. */
    @GetMapping(path = "/api/version", produces = MediaType.TEXT_PLAIN_VALUE)
    String version() {
        return version;
    }

    @GetMapping({"/health", "/api/health"})
    ResponseEntity<Map<String, Object>> health() {
        boolean healthy;
        try {
            healthy = jdbc.sql("SELECT 1").query(Integer.class).single() == 1;
        } catch (DataAccessException e) {
            healthy = false;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("healthResults", List.of());
        body.put("suppressedHealthResults", List.of());
        body.put("healthy", healthy);
        return ResponseEntity.status(healthy ? 200 : 503).body(body);
    }
}
