package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Conductor's task search, search by tasks, queue administration and admin API, with Conductor's answers. */
class SearchQueuesAdminConductorIT extends PlatformIT {

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = call("GET", path, adminToken(), null);
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String q(String query) {
        return URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    @Test
    void taskSearchFindsTasksByTypeAndStatusInConductorsShapes() throws Exception {
        String worker = unique("searched");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        UUID done = start(name, Map.of("order", "o-1"));
        complete(poll(worker), Map.of("shipped", true));
        awaitStatus(done, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));
        UUID waiting = start(name, Map.of("order", "o-2"));

        JsonNode all = get("/api/tasks/search?query=" + q("taskType = " + worker));
        assertThat(all.get("totalHits").asLong()).isEqualTo(2);
        JsonNode newest = all.get("results").get(0);
        assertThat(newest.get("workflowId").asString()).as("newest activity first").isEqualTo(waiting.toString());
        assertThat(newest.get("status").asString()).isEqualTo("SCHEDULED");
        assertThat(newest.get("taskType").asString()).isEqualTo(worker);
        assertThat(newest.get("taskDefName").asString()).isEqualTo(worker);
        assertThat(newest.get("workflowType").asString()).isEqualTo(name);

        JsonNode completed = get("/api/tasks/search?query=" + q("taskType IN (" + worker + ") AND status = COMPLETED"));
        assertThat(completed.get("totalHits").asLong()).isEqualTo(1);
        JsonNode summary = completed.get("results").get(0);
        assertThat(summary.get("workflowId").asString()).isEqualTo(done.toString());
        assertThat(JSON.readTree(summary.get("output").asString()).get("shipped").asBoolean()).isTrue();
        assertThat(summary.get("executionTime").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(summary.get("endTime").asString()).isNotBlank();

        JsonNode full = get("/api/tasks/search-v2?query=" + q("taskType = " + worker + " AND status = COMPLETED"));
        assertThat(full.get("results").get(0).get("outputData").get("shipped").asBoolean()).isTrue();
        assertThat(full.get("results").get(0).get("referenceTaskName").asString()).isEqualTo("w");

        JsonNode byText = get("/api/tasks/search?query=" + q("taskType = " + worker) + "&freeText=o-2");
        assertThat(byText.get("totalHits").asLong()).as("free text matches the task's workflow").isEqualTo(1);
        assertThat(byText.get("results").get(0).get("workflowId").asString()).isEqualTo(waiting.toString());

        JsonNode ascending = get("/api/tasks/search?query=" + q("taskType = " + worker) + "&sort=updateTime");
        assertThat(ascending.get("results").get(0).get("workflowId").asString())
                .as("a sort without an order is ascending, as in Conductor").isEqualTo(done.toString());
    }

    @Test
    void searchByTasksAnswersTheWorkflowsWhoseTasksMatch() throws Exception {
        String worker = unique("by_tasks");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        UUID done = start(name, Map.of());
        complete(poll(worker), Map.of());
        awaitStatus(done, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));
        UUID open = start(name, Map.of());

        JsonNode summaries = get("/api/workflow/search-by-tasks?query=" + q("taskType = " + worker
                + " AND status = SCHEDULED"));
        assertThat(summaries.get("totalHits").asLong()).isEqualTo(1);
        assertThat(summaries.get("results").get(0).get("workflowId").asString()).isEqualTo(open.toString());
        assertThat(summaries.get("results").get(0).get("workflowType").asString()).isEqualTo(name);

        JsonNode both = get("/api/workflow/search-by-tasks-v2?query=" + q("taskType = " + worker)
                + "&sort=startTime:ASC");
        assertThat(both.get("totalHits").asLong()).isEqualTo(2);
        assertThat(both.get("results").get(0).get("workflowId").asString()).isEqualTo(done.toString());
        assertThat(both.get("results").get(0).get("status").asString()).isEqualTo("COMPLETED");
    }

    @Test
    void badSearchesAreRefusedNamingTheField() throws Exception {
        HttpResponse<String> sort = call("GET", "/api/tasks/search?sort=color:ASC", adminToken(), null);
        assertThat(sort.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(sort.body()).get("field").asString()).isEqualTo("sort");
        HttpResponse<String> field = call("GET", "/api/tasks/search?query=" + q("color = red"), adminToken(), null);
        assertThat(field.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(field.body()).get("detail").asString()).startsWith("cannot search tasks by 'color'");
        HttpResponse<String> status = call("GET", "/api/workflow/search-by-tasks?query=" + q("status = NAPPING"),
                adminToken(), null);
        assertThat(status.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(status.body()).get("detail").asString()).isEqualTo("unknown task status 'NAPPING'");
        String many = "taskId IN (" + String.join(",", java.util.Collections.nCopies(1001,
                UUID.randomUUID().toString())) + ")";
        assertThat(call("GET", "/api/tasks/search?query=" + q(many), adminToken(), null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void queueSizeAndVerboseDetailCountWaitingAndInProgressTasks() throws Exception {
        String worker = unique("queued");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        start(name, Map.of());
        start(name, Map.of());
        start(name, Map.of());
        poll(worker);

        assertThat(call("GET", "/api/tasks/queue/size?taskType=" + worker, adminToken(), null).body()).isEqualTo("2");
        assertThat(call("GET", "/api/tasks/queue/size?taskType=" + worker + "&domain=elsewhere", adminToken(), null)
                .body()).isEqualTo("0");
        JsonNode verbose = get("/api/tasks/queue/all/verbose");
        assertThat(verbose.get(worker).get("a").get("size").asLong()).isEqualTo(2);
        assertThat(verbose.get(worker).get("a").get("uacked").asLong()).isEqualTo(1);
    }

    @Test
    void requeueHandsATaskInProgressToTheNextPoll() throws Exception {
        String worker = unique("requeued");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0,\"responseTimeoutSeconds\":3600");
        UUID id = start(name, Map.of());
        Task lost = poll(worker);
        assertThat(tasks.poll(TENANT, worker, "w2", null, 1, Duration.ZERO)).isEmpty();

        HttpResponse<String> requeued = call("POST", "/api/tasks/queue/requeue/" + worker, adminToken(), null);
        assertThat(requeued.statusCode()).isEqualTo(200);
        assertThat(requeued.body()).isEqualTo("1");
        Task again = tasks.poll(TENANT, worker, "w2", null, 1, Duration.ZERO).get(0);
        assertThat(again.getTaskId()).isEqualTo(lost.getTaskId());
        assertThat(again.getWorkerId()).isEqualTo("w2");
        complete(again, Map.of());
        awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));
        assertThat(call("POST", "/api/tasks/queue/requeue/" + worker, adminToken(), null).body()).isEqualTo("0");
    }

    @Test
    void adminListsPendingTasksSweepsAndRepairsAWorkflow() throws Exception {
        String worker = unique("pending");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        UUID first = start(name, Map.of());
        UUID second = start(name, Map.of());
        poll(worker);

        JsonNode pending = get("/api/admin/task/" + worker);
        assertThat(pending.size()).isEqualTo(2);
        assertThat(List.of(pending.get(0).get("status").asString(), pending.get(1).get("status").asString()))
                .containsExactlyInAnyOrder("IN_PROGRESS", "SCHEDULED");
        assertThat(get("/api/admin/task/" + worker + "?start=1&count=1").size()).isEqualTo(1);
        assertThat(call("GET", "/api/admin/task/" + worker + "?count=1001", adminToken(), null).statusCode())
                .isEqualTo(400);

        HttpResponse<String> sweep = call("POST", "/api/admin/sweep/requeue/" + first, adminToken(), null);
        assertThat(sweep.statusCode()).isEqualTo(200);
        assertThat(sweep.body()).isEqualTo(first.toString());
        HttpResponse<String> repair = call("POST", "/api/admin/consistency/verifyAndRepair/" + second, adminToken(),
                null);
        assertThat(repair.body()).isEqualTo("true");
        assertThat(workflow(second).getTasks().get(0).getStatus()).isIn(TaskStatus.SCHEDULED,
                TaskStatus.IN_PROGRESS);
        assertThat(call("POST", "/api/admin/sweep/requeue/" + UUID.randomUUID(), adminToken(), null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void configVersionLatestVersionsAndSecretNamesAnswerInConductorsShapes() throws Exception {
        JsonNode config = get("/api/admin/config");
        assertThat(config.get("tenant").asString()).isEqualTo(TENANT.value());
        assertThat(config.get("limits").get("nestingDepth").asInt()).isPositive();
        HttpResponse<String> version = call("GET", "/api/version", adminToken(), null);
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(version.body()).isEqualTo(config.get("version").asString()).isNotBlank();

        String flow = unique("versions");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"n","taskReferenceName":"n","type":"NOOP"}]}"""
                .formatted(flow));
        registerWorkflow("""
                {"name":"%s","version":2,"tasks":[{"name":"n","taskReferenceName":"n","type":"NOOP"}]}"""
                .formatted(flow));
        JsonNode latest = get("/api/metadata/workflow/latest-versions");
        List<Integer> versions = new java.util.ArrayList<>();
        latest.forEach(d -> {
            if (d.get("name").asString().equals(flow)) {
                versions.add(d.get("version").asInt());
            }
        });
        assertThat(versions).containsExactly(2);

        String secret = unique("api_key");
        assertThat(call("PUT", "/api/secrets/" + secret, adminToken(), "{\"value\":\"s3cr3t-value\"}").statusCode())
                .isEqualTo(204);
        HttpResponse<String> names = call("GET", "/api/secrets", adminToken(), null);
        assertThat(JSON.readTree(names.body()).get(0).isString()).as("names, as Conductor lists them").isTrue();
        assertThat(names.body()).contains("\"" + secret + "\"").doesNotContain("s3cr3t-value");
        JsonNode detail = get("/api/secrets?detail=true");
        assertThat(detail.get(0).isObject()).isTrue();
    }
}
