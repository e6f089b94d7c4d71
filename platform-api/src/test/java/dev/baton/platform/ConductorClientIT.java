package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.conductor.client.automator.TaskRunnerConfigurer;
import com.netflix.conductor.client.config.ConductorClientConfiguration;
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

    /** The client's own thresholds, set low so that its external payload storage carries ordinary payloads. */
    private static final ConductorClientConfiguration OFFLOADING = new ConductorClientConfiguration() {
        @Override
        public int getWorkflowInputPayloadThresholdKB() {
            return 1;
        }

        @Override
        public int getWorkflowInputMaxPayloadThresholdKB() {
            return 1024;
        }

        @Override
        public int getTaskOutputPayloadThresholdKB() {
            return 1;
        }

        @Override
        public int getTaskOutputMaxPayloadThresholdKB() {
            return 1024;
        }

        @Override
        public boolean isExternalPayloadStorageEnabled() {
            return true;
        }

        @Override
        public boolean isEnforceThresholds() {
            return true;
        }
    };

    @Test
    void theOfficialClientsExternalPayloadStorageCarriesAWorkflowInputAndATaskOutput() throws Exception {
        Identities.NewKey key = adminKey(TENANT);
        ConductorClient client = new ApiClient("http://localhost:" + port + "/api", key.id(), key.secret());
        MetadataClient metadataClient = new MetadataClient(client);
        String taskName = unique("offloading_task");
        metadataClient.registerTaskDefs(List.of(new TaskDef(taskName, "doubles", "dev@example.com", 0, 60, 30)));
        WorkflowTask step = new WorkflowTask();
        step.setName(taskName);
        step.setTaskReferenceName("double");
        step.setInputParameters(Map.of("text", "${workflow.input.text}"));
        WorkflowDef def = new WorkflowDef();
        def.setName(unique("offloading_flow"));
        def.setVersion(1);
        def.setOwnerEmail("dev@example.com");
        def.setTasks(List.of(step));
        def.setOutputParameters(Map.of("doubled", "${double.output.doubled}"));
        metadataClient.registerWorkflowDef(def);
        String text = "payload ".repeat(1000);
        StartWorkflowRequest start = new StartWorkflowRequest();
        start.setName(def.getName());
        start.setVersion(1);
        start.setInput(Map.of("text", text));
        try (WorkflowClient workflowClient = new WorkflowClient(client, OFFLOADING)) {
            String id = workflowClient.startWorkflow(start);
            assertThat(start.getExternalInputPayloadStoragePath()).as("the client uploaded the input")
                    .startsWith("workflow/input/");
            Worker doubler = new Worker() {
                @Override
                public String getTaskDefName() {
                    return taskName;
                }

                @Override
                public TaskResult execute(Task task) {
                    TaskResult result = new TaskResult(task);
                    result.setStatus(TaskResult.Status.COMPLETED);
                    result.getOutputData().put("doubled", task.getInputData().get("text") + "" + task.getInputData()
                            .get("text"));
                    return result;
                }
            };
            TaskRunnerConfigurer runner = new TaskRunnerConfigurer.Builder(new TaskClient(client, OFFLOADING),
                    List.of(doubler)).withThreadCount(1).build();
            try {
                runner.init();
                Workflow done = workflowClient.getWorkflow(id, true);
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (done.getStatus() != Workflow.WorkflowStatus.COMPLETED && System.nanoTime() < deadline) {
                    sleep(50);
                    done = workflowClient.getWorkflow(id, true);
                }
                assertThat(done.getStatus()).isEqualTo(Workflow.WorkflowStatus.COMPLETED);
                assertThat(done.getInput()).isEqualTo(Map.of("text", text));
                assertThat(done.getOutput()).isEqualTo(Map.of("doubled", text + text));
                assertThat(done.getTasks().get(0).getOutputData()).isEqualTo(Map.of("doubled", text + text));
                int outputBytes = JSON.writeValueAsBytes(Map.of("doubled", text + text)).length;
                assertThat(ownerQuery("SELECT count(*)::text FROM payload_uploads WHERE payload_type = 'TASK_OUTPUT' "
                        + "AND bytes = ?", outputBytes)).as("the worker's client uploaded the output").isEqualTo("1");
            } finally {
                runner.shutdown();
            }
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

    @Test
    void theOfficialClientsEventSchedulerBulkSearchQueueAndSignalCallsWorkUnchanged() throws Exception {
        Identities.NewKey key = adminKey(TENANT);
        ConductorClient client = new ApiClient("http://localhost:" + port + "/api", key.id(), key.secret());
        MetadataClient metadataClient = new MetadataClient(client);
        WorkflowClient workflowClient = new WorkflowClient(client);
        TaskClient taskClient = new TaskClient(client);
        com.netflix.conductor.client.http.EventClient eventClient =
                new com.netflix.conductor.client.http.EventClient(client);
        io.orkes.conductor.client.http.OrkesSchedulerClient schedulerClient =
                new io.orkes.conductor.client.http.OrkesSchedulerClient(client);

        WorkflowTask hold = new WorkflowTask();
        hold.setName("hold");
        hold.setTaskReferenceName("hold");
        hold.setType("WAIT");
        WorkflowDef def = new WorkflowDef();
        def.setName(unique("client_waits"));
        def.setVersion(1);
        def.setOwnerEmail("dev@example.com");
        def.setTasks(List.of(hold));
        def.setOutputParameters(Map.of("said", "${hold.output.said}"));
        metadataClient.registerWorkflowDef(def);

        // events: a handler registered, read, changed and removed through the client
        com.netflix.conductor.common.metadata.events.EventHandler handler =
                new com.netflix.conductor.common.metadata.events.EventHandler();
        handler.setName(unique("client_handler"));
        handler.setEvent("conductor:" + def.getName() + ":done");
        handler.setActive(true);
        com.netflix.conductor.common.metadata.events.EventHandler.Action action =
                new com.netflix.conductor.common.metadata.events.EventHandler.Action();
        action.setAction(com.netflix.conductor.common.metadata.events.EventHandler.Action.Type.start_workflow);
        com.netflix.conductor.common.metadata.events.EventHandler.StartWorkflow startIt =
                new com.netflix.conductor.common.metadata.events.EventHandler.StartWorkflow();
        startIt.setName(def.getName());
        action.setStart_workflow(startIt);
        handler.setActions(List.of(action));
        eventClient.registerEventHandler(handler);
        assertThat(eventClient.getEventHandlers(handler.getEvent(), true)).singleElement()
                .satisfies(h -> assertThat(h.getActions().get(0).getStart_workflow().getName())
                        .isEqualTo(def.getName()));
        handler.setActive(false);
        eventClient.updateEventHandler(handler);
        assertThat(eventClient.getEventHandlers(handler.getEvent(), true)).isEmpty();
        eventClient.unregisterEventHandler(handler.getName());
        assertThat(eventClient.getEventHandlers(handler.getEvent(), false)).isEmpty();

        // schedules: saved, read, previewed, paused and resumed one by one and in bulk, removed
        io.orkes.conductor.client.model.SaveScheduleRequest schedule =
                new io.orkes.conductor.client.model.SaveScheduleRequest();
        schedule.setName(unique("client_schedule"));
        schedule.setCronExpression("0 0 0 1 1 *");
        StartWorkflowRequest scheduled = new StartWorkflowRequest();
        scheduled.setName(def.getName());
        scheduled.setVersion(1);
        schedule.setStartWorkflowRequest(scheduled);
        schedulerClient.saveSchedule(schedule);
        assertThat(schedulerClient.getSchedule(schedule.getName()).getCronExpression()).isEqualTo("0 0 0 1 1 *");
        assertThat(schedulerClient.getAllSchedules(def.getName())).hasSize(1);
        assertThat(schedulerClient.getNextFewSchedules("0 0 12 * * *", null, null, 3)).hasSize(3);
        schedulerClient.pauseSchedule(schedule.getName());
        assertThat(schedulerClient.getSchedule(schedule.getName()).getPaused()).isTrue();
        schedulerClient.resumeSchedule(schedule.getName());
        assertThat(schedulerClient.pauseSchedulers(List.of(schedule.getName())).getBulkSuccessfulResults())
                .containsExactly(schedule.getName());
        assertThat(schedulerClient.resumeSchedulers(List.of(schedule.getName())).getBulkSuccessfulResults())
                .containsExactly(schedule.getName());
        assertThat(schedulerClient.search(0, 10, null, "*", "scheduleName = " + schedule.getName())
                .getTotalHits()).isZero();
        schedulerClient.deleteSchedule(schedule.getName());

        // workflows in bulk, searches, queue sizes and a signal
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            StartWorkflowRequest start = new StartWorkflowRequest();
            start.setName(def.getName());
            start.setVersion(1);
            ids.add(workflowClient.startWorkflow(start));
        }
        assertThat(workflowClient.pauseWorkflows(ids).getBulkSuccessfulResults()).containsExactlyInAnyOrderElementsOf(
                ids);
        workflowClient.resumeWorkflows(ids);
        assertThat(workflowClient.search("workflowType IN (" + def.getName() + ")").getTotalHits()).isEqualTo(3);
        assertThat(taskClient.search("taskType = WAIT AND workflowType = " + def.getName()).getTotalHits())
                .isEqualTo(3);
        assertThat(taskClient.getQueueSizeForTask("hold")).isZero();
        org.conductoross.conductor.common.model.SignalResponse signalled = taskClient.signal(ids.get(0),
                Task.Status.COMPLETED, Map.of("said", "hi"));
        assertThat(signalled.getTargetWorkflowId()).isEqualTo(ids.get(0));
        assertThat(workflowClient.getWorkflow(ids.get(0), false).getOutput()).containsEntry("said", "hi");
        assertThat(workflowClient.terminateWorkflows(ids.subList(1, 3), "done").getBulkSuccessfulResults())
                .containsExactlyInAnyOrderElementsOf(ids.subList(1, 3));
    }
}
