package dev.baton.platform.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONTAINER against fabric8's mock Kubernetes API server (CRUD mode), with a small stand-in for the Job controller:
 * it runs nothing, but finishes each Job the way its image name asks (exit 0, exit 3, or never). The task creates
 * the Job as specified, reports the exit code and log tail, and deletes the Job when it ends or is cancelled.
 */
class ContainerIT extends PlatformIT {

    private static final String NAMESPACE = "batch";
    // generous for a loaded CI machine: every wait ends as soon as its outcome is there
    private static final Duration SHORT = Duration.ofSeconds(60);
    private static KubernetesMockServer cluster;
    private static KubernetesClient admin;
    private static Thread controller;
    private static final Map<String, Job> created = new ConcurrentHashMap<>();
    private static final Set<String> finished = ConcurrentHashMap.newKeySet();
    private static final Set<String> logServed = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startCluster() throws Exception {
        // the controller adds expectations while the server answers the task: the map is shared between threads
        Map<ServerRequest, Queue<ServerResponse>> responses = new ConcurrentHashMap<>();
        cluster = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        cluster.init(InetAddress.getByName("127.0.0.1"), 0);
        // a request that stalls under load is given up after 3 s and made again next round, well within SHORT
        try (KubernetesClient plain = cluster.createClient()) {
            admin = new KubernetesClientBuilder().withConfig(new ConfigBuilder(plain.getConfiguration())
                    .withRequestTimeout(3_000).withConnectionTimeout(3_000).build()).build();
        }
        controller = Thread.ofPlatform().daemon().start(ContainerIT::control);
    }

    @AfterAll
    static void stopCluster() {
        controller.interrupt();
        admin.close();
        cluster.destroy();
    }

    /**
     * Finishes every new Job as its image says: {@code app:ok} exits 0, {@code app:fail} exits 3. Each step is
     * idempotent and each Job handled on its own, so a step that fails (a conflict, a slow first request) is simply
     * done again next round instead of leaving that Job, or the Jobs listed after it, unfinished.
     */
    private static void control() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                for (Job job : admin.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()) {
                    finish(job);
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                System.err.println("ContainerIT controller: listing failed, trying again: " + e);
            }
        }
    }

    private static void finish(Job job) {
        String name = job.getMetadata().getName();
        created.putIfAbsent(name, job);
        String image = job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        if (finished.contains(name) || image.endsWith(":slow")) {
            return;
        }
        try {
            int exit = image.endsWith(":ok") ? 0 : 3;
            String pod = name + "-abcde";
            // the log is served before the pod exists: a create that timed out here but was made on the server
            // finds the pod next round, and must not leave it without its log
            if (logServed.add(pod)) {
                cluster.expect().get().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods/" + pod
                        + "/log?pretty=false&tailLines=100").andReturn(200, "line 1\nexit " + exit + "\n").always();
            }
            if (admin.pods().inNamespace(NAMESPACE).withName(pod).get() == null) {
                admin.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName(pod)
                        .addToLabels("job-name", name).endMetadata().withNewStatus().addNewContainerStatus()
                        .withName("task").withNewState().withNewTerminated().withExitCode(exit).endTerminated()
                        .endState().endContainerStatus().endStatus().build()).create();
            }
            admin.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).edit(j -> new JobBuilder(j)
                    .withNewStatus().withSucceeded(exit == 0 ? 1 : 0).withFailed(exit == 0 ? 0 : 1).endStatus()
                    .build());
            finished.add(name);
        } catch (RuntimeException e) {
            System.err.println("ContainerIT controller: finishing " + name + " failed, trying again: " + e);
        }
    }

    private String clusterConnection(TeamWorld w) throws Exception {
        String name = "cluster-" + w.team();
        HttpResponse<String> r = call("PUT", "/api/connections/" + name + "?team=" + w.team(), w.token(),
                JSON.writeValueAsString(Map.of("kind", "KUBERNETES", "settings", Map.of("masterUrl",
                        "http://127.0.0.1:" + cluster.getPort(), "namespace", NAMESPACE),
                        "secretSettings", Map.of("token", "sa-token-" + UUID.randomUUID()))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        return name;
    }

    private UUID start(TeamWorld w, String inputJson) throws Exception {
        String flow = unique("container");
        HttpResponse<String> registered = call("POST", "/api/metadata/workflow?team=" + w.team(), w.token(), """
                {"name":"%s","version":1,"tasks":[{"name":"run","taskReferenceName":"run","type":"CONTAINER",
                  "inputParameters":%s}]}""".formatted(flow, inputJson));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        return UUID.fromString(call("POST", "/api/workflow/" + flow, w.token(), "{}").body().replace("\"", ""));
    }

    @Test
    void aJobRunsTheImageAsSpecifiedAndItsExitCodeAndLogComeBackThenItIsDeleted() throws Exception {
        TeamWorld w = TeamWorld.create(identities, this::token);
        Workflow done = awaitStatus(start(w, """
                {"connection":"%s","image":"registry.example/app:ok","command":["sh","-c"],"args":["echo hi"],
                 "env":{"GREETING":"hello"},"resources":{"cpu":"250m","memory":"64Mi"},"timeoutSeconds":120}"""
                .formatted(clusterConnection(w))), WorkflowStatus.COMPLETED, SHORT);
        Task run = taskByRef(done, "run");
        String jobName = (String) run.getOutputData().get("jobName");
        assertThat(run.getOutputData()).containsEntry("exitCode", 0).containsEntry("succeeded", true)
                .containsEntry("logTail", "line 1\nexit 0\n");
        Job job = created.get(jobName);
        var spec = job.getSpec();
        var container = spec.getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example/app:ok");
        assertThat(container.getCommand()).containsExactly("sh", "-c");
        assertThat(container.getArgs()).containsExactly("echo hi");
        assertThat(container.getEnv()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("GREETING");
            assertThat(e.getValue()).isEqualTo("hello");
        });
        assertThat(container.getResources().getLimits().get("memory").toString()).isEqualTo("64Mi");
        assertThat(container.getSecurityContext().getPrivileged()).isFalse();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(spec.getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(spec.getBackoffLimit()).isZero();
        assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(120L);
        assertThat(admin.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).get()).as("deleted").isNull();
    }

    @Test
    void aNonZeroExitFailsTheAttemptWithTheCodeAndTheLog() throws Exception {
        TeamWorld w = TeamWorld.create(identities, this::token);
        Task run = taskByRef(awaitStatus(start(w, """
                {"connection":"%s","image":"registry.example/app:fail"}""".formatted(clusterConnection(w))),
                WorkflowStatus.FAILED, SHORT), "run");
        assertThat(run.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(run.getReasonForIncompletion()).isEqualTo("the container exited with code 3");
        assertThat(run.getOutputData()).containsEntry("exitCode", 3).containsEntry("logTail", "line 1\nexit 3\n");
    }

    @Test
    void terminatingTheWorkflowCancelsTheTaskAndDeletesItsJob() throws Exception {
        TeamWorld w = TeamWorld.create(identities, this::token);
        UUID id = start(w, """
                {"connection":"%s","image":"registry.example/app:slow"}""".formatted(clusterConnection(w)));
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (created.values().stream().noneMatch(j -> j.getMetadata().getLabels().get("baton.dev/task")
                .equals(taskByRef(workflow(id), "run").getTaskId().toString())) && System.nanoTime() < deadline) {
            sleep(50);
        }
        String jobName = created.values().stream().filter(j -> j.getMetadata().getLabels().get("baton.dev/task")
                .equals(taskByRef(workflow(id), "run").getTaskId().toString())).findFirst().orElseThrow()
                .getMetadata().getName();
        workflows.terminate(TENANT, id, "no longer needed");
        while (admin.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).get() != null
                && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertThat(admin.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).get()).isNull();
        assertThat(taskByRef(workflow(id), "run").getStatus()).isEqualTo(TaskStatus.CANCELED);
    }

    @Test
    void aTaskCancelledByAnotherNodeHasItsAttemptStoppedAndItsJobDeletedHere() throws Exception {
        TeamWorld w = TeamWorld.create(identities, this::token);
        UUID id = start(w, """
                {"connection":"%s","image":"registry.example/app:slow"}""".formatted(clusterConnection(w)));
        String jobName = awaitJobOf(id);
        // another node's decision: the task is no longer this node's, and nothing here was told
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(dev.baton.platform.TestDatabase.url(),
                dev.baton.platform.TestDatabase.adminUser(), dev.baton.platform.TestDatabase.adminPassword())) {
            c.createStatement().executeUpdate("UPDATE tasks SET status = 'CANCELED', worker_id = 'node-b' WHERE id = '"
                    + taskByRef(workflow(id), "run").getTaskId() + "'");
        }
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (admin.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).get() != null
                && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertThat(admin.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).get()).isNull();
    }

    private String awaitJobOf(UUID workflowId) {
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (System.nanoTime() < deadline) {
            String taskId = taskByRef(workflow(workflowId), "run").getTaskId().toString();
            java.util.Optional<Job> job = created.values().stream()
                    .filter(j -> j.getMetadata().getLabels().get("baton.dev/task").equals(taskId)).findFirst();
            if (job.isPresent()) {
                return job.get().getMetadata().getName();
            }
            sleep(50);
        }
        throw new AssertionError("no job was created for workflow " + workflowId);
    }

    @Test
    void aJobThatOutlivesItsTimeoutFailsTheAttemptAndIsDeleted() throws Exception {
        TeamWorld w = TeamWorld.create(identities, this::token);
        long began = System.nanoTime();
        Task run = taskByRef(awaitStatus(start(w, """
                {"connection":"%s","image":"registry.example/app:slow","timeoutSeconds":1}"""
                .formatted(clusterConnection(w))), WorkflowStatus.FAILED, SHORT), "run");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
        assertThat(run.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(run.getReasonForIncompletion()).matches("job baton-[0-9a-f]{20} did not finish within 1 s");
        String jobName = run.getReasonForIncompletion().split(" ")[1];
        assertThat(admin.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).get()).isNull();
    }

    @Test
    void badInputFailsForGoodNamingTheFieldAndNoJobIsMade() throws Exception {
        TeamWorld w = TeamWorld.create(identities, this::token);
        String connection = clusterConnection(w);
        int before = created.size();
        Task env = taskByRef(awaitStatus(start(w, """
                {"connection":"%s","image":"registry.example/app:ok","env":{"BAD NAME":"x"}}""".formatted(connection)),
                WorkflowStatus.FAILED, SHORT), "run");
        assertThat(env.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(env.getReasonForIncompletion()).isEqualTo("input 'env.BAD NAME' is not a variable name");
        Task resources = taskByRef(awaitStatus(start(w, """
                {"connection":"%s","image":"registry.example/app:ok","resources":{"gpu":"1"}}""".formatted(connection)),
                WorkflowStatus.FAILED, SHORT), "run");
        assertThat(resources.getReasonForIncompletion()).isEqualTo("input 'resources.gpu' only cpu and memory can be "
                + "set");
        Task noCluster = taskByRef(awaitStatus(start(w, """
                {"connection":"nowhere","image":"registry.example/app:ok"}"""), WorkflowStatus.FAILED, SHORT), "run");
        assertThat(noCluster.getReasonForIncompletion()).isEqualTo("input 'connection' there is no connection named "
                + "'nowhere'");
        assertThat(created.size()).isEqualTo(before);
        assertThat(List.of(env, resources, noCluster)).allSatisfy(t -> assertThat(t.getStatus())
                .isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR));
    }
}
