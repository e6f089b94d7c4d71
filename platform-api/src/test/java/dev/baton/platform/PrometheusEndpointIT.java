package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.api.Role;
import dev.baton.metrics.InstallationGauges;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * {@code /actuator/prometheus} after a known set of executions in a tenant of its own, driven through the API as
 * workers drive it: every per-tenant figure is checked exactly, and only platform operators may scrape.
 */
class PrometheusEndpointIT extends PlatformIT {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Autowired InstallationGauges depths;

    private String operator;
    private String tenant;
    private String worker;

    @BeforeEach
    void aTenantAndAnOperator() {
        String team = unique("scrapers").toLowerCase();
        identities.createTeam(TENANT, team, null);
        UUID app = identities.createApplication(TENANT, team + "-bot", team, EnumSet.of(Role.VIEWER), false);
        identities.makePlatformOperators(TENANT, null, app);
        operator = token(identities.createKey(TENANT, app));
        tenant = "prom-" + UUID.randomUUID().toString().substring(0, 8);
        worker = token(adminKey(createTenant(tenant)));
    }

    @Test
    void theScrapeCountsEachTenantsExecutionsTasksWorkersLimitsAndCallsExactly() throws Exception {
        ok(call("POST", "/api/metadata/taskdefs", worker, """
                [{"name":"pay","retryCount":0,"responseTimeoutSeconds":60},
                 {"name":"ship","retryCount":0,"responseTimeoutSeconds":60,"concurrentExecLimit":1}]"""));
        ok(call("POST", "/api/metadata/workflow", worker, """
                {"name":"orders","tasks":[{"name":"pay","taskReferenceName":"pay","type":"SIMPLE"}]}"""));
        ok(call("POST", "/api/metadata/workflow", worker, """
                {"name":"shipping","tasks":[{"name":"ship","taskReferenceName":"ship","type":"SIMPLE"}]}"""));
        for (int i = 0; i < 3; i++) {
            ok(call("POST", "/api/workflow/orders", worker, "{}"));
        }
        for (int i = 0; i < 2; i++) {
            ok(call("POST", "/api/workflow/shipping", worker, "{}"));
        }
        JsonNode paid = JSON.readTree(ok(call("GET", "/api/tasks/poll/batch/pay?workerid=w-1&count=3&timeout=1000",
                worker, null)).body());
        assertThat(paid).hasSize(3);
        report(paid.get(0), "COMPLETED");
        report(paid.get(1), "COMPLETED");
        report(paid.get(2), "FAILED");
        // one of two ready 'ship' tasks may run at a time: the other is held by the limit
        JsonNode shipped = JSON.readTree(ok(call("GET", "/api/tasks/poll/batch/ship?workerid=w-2&count=2&timeout=100",
                worker, null)).body());
        assertThat(shipped).hasSize(1);
        assertThat(call("GET", "/api/workflow/" + UUID.randomUUID(), worker, null).statusCode()).isEqualTo(404);

        Map<String, Double> s = leaderScrape();

        assertThat(s.get("baton_workflows_started_total{tenant=" + tenant + "}")).isEqualTo(5.0);
        assertThat(s.get("baton_workflows_ended_seconds_count{status=COMPLETED,tenant=" + tenant + "}"))
                .isEqualTo(2.0);
        assertThat(s.get("baton_workflows_ended_seconds_count{status=FAILED,tenant=" + tenant + "}")).isEqualTo(1.0);
        assertThat(s.get("baton_tasks_queue_wait_seconds_count{tenant=" + tenant + ",type=SIMPLE}")).isEqualTo(4.0);
        assertThat(s.get("baton_tasks_execution_seconds_count{status=COMPLETED,tenant=" + tenant + ",type=SIMPLE}"))
                .isEqualTo(2.0);
        assertThat(s.get("baton_tasks_execution_seconds_count{status=FAILED,tenant=" + tenant + ",type=SIMPLE}"))
                .isEqualTo(1.0);
        assertThat(s.get("baton_tasks_limit_held_total{tenant=" + tenant + "}")).isEqualTo(1.0);
        assertThat(s.get("baton_workers_seen{tenant=" + tenant + "}")).isEqualTo(2.0);
        assertThat(s.get("baton_queue_depth{runner=worker,tenant=" + tenant + "}")).isEqualTo(1.0);
        assertThat(s.get("baton_queue_depth{runner=server,tenant=" + tenant + "}")).isEqualTo(0.0);
        // 3 definition calls, 5 starts, 2 polls and 3 reports; the scrapes are the operator's tenant's
        assertThat(s.get("baton_api_calls_total{outcome=2xx,tenant=" + tenant + "}")).isEqualTo(13.0);
        assertThat(s.get("baton_api_calls_total{outcome=4xx,tenant=" + tenant + "}")).isEqualTo(1.0);
    }

    @Test
    void onlyPlatformOperatorsMayScrape() throws Exception {
        assertThat(call("GET", "/actuator/prometheus", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/actuator/prometheus", worker, null).statusCode())
                .as("a tenant's administrator would see other tenants' figures").isEqualTo(403);
        assertThat(call("GET", "/actuator/prometheus", operator, null).statusCode()).isEqualTo(200);
    }

    private void report(JsonNode task, String status) throws Exception {
        ok(call("POST", "/api/tasks", worker, JSON.writeValueAsString(Map.of(
                "workflowInstanceId", task.get("workflowInstanceId").asString(),
                "taskId", task.get("taskId").asString(), "workerId", "w-1", "status", status))));
    }

    /** A scrape once this node leads the installation-wide gauges and has read the queues. */
    private Map<String, Double> leaderScrape() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            depths.refresh();
            Map<String, Double> s = scrape();
            if (s.containsKey("baton_queue_depth{runner=worker,tenant=" + tenant + "}")
                    || System.nanoTime() > deadline) {
                return s;
            }
            sleep(100);
        }
    }

    /** Each sample of the exposition, keyed {@code name{label=value,...}} with labels in name order. */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> r = call("GET", "/actuator/prometheus", operator, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        for (String line : r.body().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            Matcher l = LABEL.matcher(m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            List<String> pairs = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            samples.put(m.group(1) + "{" + String.join(",", pairs) + "}", Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    private static HttpResponse<String> ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return r;
    }
}
