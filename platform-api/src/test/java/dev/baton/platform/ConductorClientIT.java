package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.conductor.client.automator.TaskRunnerConfigurer;
import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.MetadataClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.http.WorkflowClient;
import com.netflix.conductor.client.worker.Worker;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import dev.baton.authz.identity.Identities;
import io.orkes.conductor.client.ApiClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official Conductor Java client, unchanged, against our API: it signs in with an application key
 * ({@code POST /api/token}, then {@code X-Authorization}), registers definitions, starts a workflow, runs a worker and
 * reads the result.
 */
class ConductorClientIT extends PlatformIT {

    @Test
    void theOfficialClientRegistersStartsRunsAWorkerAndReadsTheCompletedWorkflow() throws Exception {
        Identities.NewKey key = adminKey(TENANT);
        ConductorClient client = new ApiClient("http://localhost:" + port + "/api", key.id(), key.secret());
        MetadataClient metadataClient = new MetadataClient(client);
        WorkflowClient workflowClient = new WorkflowClient(client);
        TaskClient taskClient = new TaskClient(client);

        String taskName = unique("client_task");
        TaskDef taskDef = new TaskDef(taskName, "doubles a number", "dev@example.com", 1, 60, 30);
        metadataClient.registerTaskDefs(List.of(taskDef));

        WorkflowTask step = new WorkflowTask();
        step.setName(taskName);
        step.setTaskReferenceName("double");
        step.setInputParameters(Map.of("n", "${workflow.input.n}"));
        WorkflowDef def = new WorkflowDef();
        def.setName(unique("client_flow"));
        def.setVersion(1);
        def.setOwnerEmail("dev@example.com");
        def.setTasks(List.of(step));
        def.setOutputParameters(Map.of("result", "${double.output.result}"));
        metadataClient.registerWorkflowDef(def);

        Worker doubler = new Worker() {
            @Override
            public String getTaskDefName() {
                return taskName;
            }

            @Override
            public TaskResult execute(Task task) {
                TaskResult result = new TaskResult(task);
                result.setStatus(TaskResult.Status.COMPLETED);
                result.getOutputData().put("result", ((Number) task.getInputData().get("n")).intValue() * 2);
                return result;
            }

            @Override
            public int getPollingInterval() {
                return 50;
            }
        };
        TaskRunnerConfigurer runner = new TaskRunnerConfigurer.Builder(taskClient, List.of(doubler))
                .withThreadCount(1).build();
        runner.init();
        try {
            StartWorkflowRequest start = new StartWorkflowRequest();
            start.setName(def.getName());
            start.setVersion(1);
            start.setInput(Map.of("n", 21));
            String id = workflowClient.startWorkflow(start);

            Workflow done = workflowClient.getWorkflow(id, true);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (done.getStatus() != Workflow.WorkflowStatus.COMPLETED && System.nanoTime() < deadline) {
                sleep(50);
                done = workflowClient.getWorkflow(id, true);
            }
            assertThat(done.getStatus()).isEqualTo(Workflow.WorkflowStatus.COMPLETED);
            assertThat(done.getOutput()).isEqualTo(Map.of("result", 42));
            assertThat(done.getTasks()).hasSize(1);
            assertThat(done.getTasks().get(0).getStatus()).isEqualTo(Task.Status.COMPLETED);
            assertThat(done.getTasks().get(0).getWorkerId()).isNotBlank();
            assertThat(metadataClient.getWorkflowDef(def.getName(), 1).getTasks().get(0).getTaskReferenceName())
                    .isEqualTo("double");
        } finally {
            runner.shutdown();
        }
    }

    @Test
    void theOfficialTaskRunnerWithUpdateV2RunsEachTaskItWasHandedByTheUpdate() throws Exception {
        Identities.NewKey key = adminKey(TENANT);
        ConductorClient client = new ApiClient("http://localhost:" + port + "/api", key.id(), key.secret());
        MetadataClient metadataClient = new MetadataClient(client);
        WorkflowClient workflowClient = new WorkflowClient(client);
        String taskName = unique("v2_task");
        metadataClient.registerTaskDefs(List.of(new TaskDef(taskName, "echoes", "dev@example.com", 0, 60, 30)));
        WorkflowTask step = new WorkflowTask();
        step.setName(taskName);
        step.setTaskReferenceName("echo");
        step.setInputParameters(Map.of("n", "${workflow.input.n}"));
        WorkflowDef def = new WorkflowDef();
        def.setName(unique("v2_flow"));
        def.setVersion(1);
        def.setOwnerEmail("dev@example.com");
        def.setTasks(List.of(step));
        def.setOutputParameters(Map.of("n", "${echo.output.n}"));
        metadataClient.registerWorkflowDef(def);
        List<String> ids = new java.util.ArrayList<>();
        for (int n = 0; n < 5; n++) { // queued before the runner starts, so each update hands back the next
            StartWorkflowRequest start = new StartWorkflowRequest();
            start.setName(def.getName());
            start.setVersion(1);
            start.setInput(Map.of("n", n));
            ids.add(workflowClient.startWorkflow(start));
        }
        java.util.concurrent.atomic.AtomicInteger executed = new java.util.concurrent.atomic.AtomicInteger();
        Worker echo = new Worker() {
            @Override
            public String getTaskDefName() {
                return taskName;
            }

            @Override
            public TaskResult execute(Task task) {
                executed.incrementAndGet();
                TaskResult result = new TaskResult(task);
                result.setStatus(TaskResult.Status.COMPLETED);
                result.getOutputData().put("n", task.getInputData().get("n"));
                return result;
            }
        };
        String before = System.getProperty("taskUpdateV2");
        System.setProperty("taskUpdateV2", "true"); // the client reads it when it makes each task runner
        TaskRunnerConfigurer runner = new TaskRunnerConfigurer.Builder(new TaskClient(client), List.of(echo))
                .withThreadCount(1).withTaskPollCount(1).build();
        try {
            runner.init();
            long deadline = System.nanoTime() + 20_000_000_000L;
            for (int n = 0; n < ids.size(); n++) {
                Workflow done = workflowClient.getWorkflow(ids.get(n), false);
                while (done.getStatus() != Workflow.WorkflowStatus.COMPLETED && System.nanoTime() < deadline) {
                    sleep(50);
                    done = workflowClient.getWorkflow(ids.get(n), false);
                }
                assertThat(done.getStatus()).isEqualTo(Workflow.WorkflowStatus.COMPLETED);
                assertThat(done.getOutput()).isEqualTo(Map.of("n", n));
            }
            assertThat(executed.get()).isEqualTo(5);
        } finally {
            runner.shutdown();
            if (before == null) {
                System.clearProperty("taskUpdateV2");
            } else {
                System.setProperty("taskUpdateV2", before);
            }
        }
    }
}
