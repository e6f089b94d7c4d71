package dev.baton.platform.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.TaskTypes;
import dev.baton.engine.api.definition.TaskType;
import dev.baton.platform.PlatformIT;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every task type, defined with every parameter taken from the workflow's input and then started with inputs of
 * every wrong shape: registration and start answer 2xx or 4xx, never 5xx, and the execution can always be read.
 */
class SystemTaskInputsIT extends PlatformIT {

    @Autowired TaskTypes taskTypes;

    private static final List<Object> WRONG_SHAPES = List.of("", 12, -1, 1e308, "9".repeat(40), List.of(), Map.of(),
            List.of(List.of(List.of("deep"))), "x".repeat(20_000), "${workflow.input.x}", "$.x.constructor",
            Map.of("name", "SET_VARIABLE", "taskReferenceName", "injected", "type", "TERMINATE"));

    @Test
    void noTaskTypeAnswers5xxForParametersOrInputsOfTheWrongShape() throws Exception {
        String admin = adminToken();
        String worker = unique("shape_worker");
        registerTask(worker, "");
        List<String> failures = new ArrayList<>();
        TreeSet<String> types = new TreeSet<>(taskTypes.serverTypes());
        types.add(TaskType.SIMPLE);
        int started = 0;
        for (String type : types) {
            String flow = unique("shapes");
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("name", TaskType.SIMPLE.equals(type) ? worker : "t");
            task.put("taskReferenceName", "t");
            task.put("type", type);
            task.put("inputParameters", everyParameterFromInput());
            task.put("expression", "x");
            task.put("evaluatorType", "value-param");
            task.put("loopCondition", "$.x");
            task.put("dynamicTaskNameParam", "x");
            task.put("dynamicForkTasksParam", "x");
            task.put("dynamicForkTasksInputParamName", "y");
            Map<String, Object> def = Map.of("name", flow, "version", 1, "tasks", List.of(task));
            HttpResponse<String> registered = send(admin, "POST", "/api/metadata/workflow", JSON.writeValueAsString(def));
            if (registered.statusCode() >= 500) {
                failures.add(type + " registration: " + registered.statusCode() + " " + registered.body());
                continue;
            }
            if (registered.statusCode() != 200) {
                continue; // refused as malformed, with a 4xx: that is the point
            }
            for (Object shape : WRONG_SHAPES) {
                Map<String, Object> input = new LinkedHashMap<>();
                input.put("x", shape);
                input.put("y", shape);
                HttpResponse<String> start = send(admin, "POST", "/api/workflow/" + flow, JSON.writeValueAsString(input));
                if (start.statusCode() >= 500) {
                    failures.add(type + " start with " + abbreviated(shape) + ": " + start.statusCode() + " "
                            + start.body());
                } else if (start.statusCode() == 200) {
                    started++;
                    HttpResponse<String> read = send(admin, "GET", "/api/workflow/" + start.body(), null);
                    if (read.statusCode() != 200) {
                        failures.add(type + " read after " + abbreviated(shape) + ": " + read.statusCode());
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(started).as("most types run with wrong inputs, failing cleanly").isGreaterThan(50);
    }

    private static Map<String, Object> everyParameterFromInput() {
        Map<String, Object> p = new LinkedHashMap<>();
        for (String key : List.of("x", "y", "expression", "queryExpression", "duration", "until", "startWorkflow",
                "forkTaskName", "forkTaskInputs", "items", "terminationStatus", "workflowOutput", "evaluatorType")) {
            p.put(key, "${workflow.input.x}");
        }
        return p;
    }

    private static String abbreviated(Object shape) {
        String text = String.valueOf(shape);
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        return call(method, path, token, body);
    }
}
