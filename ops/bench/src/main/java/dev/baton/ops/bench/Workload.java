package dev.baton.ops.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A workflow shape the benchmark drives, defined in {@code workloads/<file>.json}. */
enum Workload {
    /** (a) three worker tasks in a row. */
    LINEAR3("linear3", List.of("bench_step_a", "bench_step_b", "bench_step_c"), 1, 6),
    /** (b) a fork of ten worker tasks and a join. */
    FORK10("fork10", List.of("bench_branch"), 10, 22),
    /** (c) SWITCH, SET_VARIABLE, INLINE, JSON_JQ_TRANSFORM and TERMINATE: finished inside the start call. */
    SYSTEM5("system5", List.of(), 0, 5);

    private final String file;
    private final List<String> taskTypes;
    private final int finalTasks;
    private final int transitions;

    /**
     * @param finalTasks how many completions of the last task type finish one workflow (0: none, the start does)
     * @param transitions task state changes per workflow: two per worker task (taken, completed), one per
     *     system task
     */
    Workload(String file, List<String> taskTypes, int finalTasks, int transitions) {
        this.file = file;
        this.taskTypes = taskTypes;
        this.finalTasks = finalTasks;
        this.transitions = transitions;
    }

    List<String> taskTypes() {
        return taskTypes;
    }

    /** Whether completing a task of this type may finish its workflow. */
    boolean finishes(String taskType) {
        return !taskTypes.isEmpty() && taskType.equals(taskTypes.get(taskTypes.size() - 1));
    }

    int finalTasks() {
        return finalTasks;
    }

    int transitions() {
        return transitions;
    }

    String workflowName() {
        return definition().get("workflow").get("name").asString();
    }

    /** Registers the task and workflow definitions in the tenant of {@code token}. */
    void register(Platform platform, String token) {
        JsonNode def = definition();
        if (!def.get("taskDefs").isEmpty()) {
            Http.expect(platform.send("POST", "/api/metadata/taskdefs", token, def.get("taskDefs").toString()),
                    200);
        }
        Http.expect(platform.send("POST", "/api/metadata/workflow", token, def.get("workflow").toString()), 200);
    }

    private JsonNode definition() {
        try (InputStream in = Workload.class.getResourceAsStream("/workloads/" + file + ".json")) {
            return Http.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
