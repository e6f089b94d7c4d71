package dev.baton.platform.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataAccessException;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Conductor's health check ({@code GET /health}, {@code /api/health}), open like {@code /actuator/health}: healthy
 * while the database answers, in Conductor's shape; 503 when it does not, so a load balancer can tell.
 */
@RestController
public class HealthResource {

    private final JdbcClient jdbc;

    public HealthResource(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
