package dev.baton.tasks.container;

import dev.baton.connections.Connection;
import dev.baton.connections.ConnectionKind;
import dev.baton.connections.Vault;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.spi.AsyncTaskHandler;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.InputException;
import dev.baton.engine.spi.TaskCall;
import dev.baton.engine.spi.TaskOutcome;
import dev.baton.tasks.TaskInputs;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CONTAINER: runs an image once as a Kubernetes Job in the connection's namespace, waits for it, and returns its
 * exit code and the tail of its log. The Job runs without privileges or a service-account token, is stopped by
 * Kubernetes at the task's timeout, and is deleted (with its pod) when the attempt ends, also when the task is
 * cancelled. A connection is required: without a cluster the task fails saying so.
 */
public final class ContainerHandler implements AsyncTaskHandler<ContainerInput> {

    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:@-]{0,254}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|k|M|G)?");
    private static final int MAX_ARGS = 100;
    private static final int MAX_ARG = 4096;

    private final Vault vault;
    private final OutboundAddressPolicy outbound;
    private final int maxTimeoutSeconds;
    private final Duration pollInterval;

    public ContainerHandler(Vault vault, OutboundAddressPolicy outbound, int maxTimeoutSeconds, Duration pollInterval) {
        this.vault = vault;
        this.outbound = outbound;
        this.maxTimeoutSeconds = maxTimeoutSeconds;
        this.pollInterval = pollInterval;
    }

    @Override
    public String type() {
        return "CONTAINER";
    }

    @Override
    public Class<ContainerInput> inputType() {
        return ContainerInput.class;
    }

    @Override
    public Duration maxDuration() {
        return Duration.ofSeconds(maxTimeoutSeconds + 60L);
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String field = check.path() + ".inputParameters.";
        Map<String, Object> in = task.inputParameters();
        check.require(in.get("connection") instanceof String, field + "connection",
                "is required: the name of a KUBERNETES connection");
        check.require(in.get("image") instanceof String, field + "image", "is required");
        if (in.get("image") instanceof String image && check.isLiteral(image)) {
            check.require(IMAGE.matcher(image).matches(), field + "image", "is not an image reference");
        }
    }

    @Override
    public TaskOutcome execute(ContainerInput input, TaskCall call) throws Exception {
        if (input.image() == null || !IMAGE.matcher(input.image()).matches()) {
            throw new InputException("image", "is required: an image reference like registry/app:1.2");
        }
        int timeout = TaskInputs.bounded(input.timeoutSeconds(), 600, maxTimeoutSeconds, "timeoutSeconds");
        int tail = TaskInputs.bounded(input.logTailLines(), 100, 1000, "logTailLines");
        Connection cluster = TaskInputs.connection(vault, call, input.connection(), ConnectionKind.KUBERNETES);
        try {
            outbound.check(cluster.text("masterUrl"));
        } catch (OutboundAddressPolicy.RefusedAddressException e) {
            return TaskOutcome.failedForGood("connection '" + input.connection() + "' masterUrl " + e.getMessage(),
                    null);
        }
        String namespace = cluster.text("namespace");
        String jobName = "baton-" + call.taskId().toString().replace("-", "").substring(0, 20).toLowerCase(Locale.ROOT);
        Job job = job(jobName, input, call, timeout);
        try (KubernetesClient k8s = client(cluster)) {
            try {
                k8s.batch().v1().jobs().inNamespace(namespace).resource(job).create();
                return await(k8s, namespace, jobName, timeout, tail);
            } finally {
                // a finished, failed, timed-out or cancelled attempt leaves nothing behind: the deletion runs on a
                // thread of its own and is waited for without heeding interrupts, which cancelled this one
                java.util.concurrent.CompletableFuture<Void> deleted = new java.util.concurrent.CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try {
                        deleteQuietly(k8s, namespace, jobName);
                    } finally {
                        deleted.complete(null);
                    }
                });
                deleted.join();
            }
        } catch (KubernetesClientException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("cancelled");
            }
            int code = e.getCode();
            String reason = "the cluster answered " + (code > 0 ? code + ": " : "") + e.getMessage();
            return code == 400 || code == 401 || code == 403 || code == 422 ? TaskOutcome.failedForGood(reason, null)
                    : TaskOutcome.failed(reason, null);
        }
    }

    private TaskOutcome await(KubernetesClient k8s, String namespace, String jobName, int timeout, int tail)
            throws InterruptedException {
        // Kubernetes stops the Job at its deadline; a little grace lets its controller say so before we give up
        Duration grace = pollInterval.multipliedBy(10).compareTo(Duration.ofSeconds(30)) < 0
                ? pollInterval.multipliedBy(10) : Duration.ofSeconds(30);
        long deadline = System.nanoTime() + Duration.ofSeconds(timeout).plus(grace).toNanos();
        while (System.nanoTime() < deadline) {
            Job current = k8s.batch().v1().jobs().inNamespace(namespace).withName(jobName).get();
            if (current == null) {
                return TaskOutcome.failed("job " + jobName + " disappeared from the cluster", null);
            }
            var status = current.getStatus();
            boolean succeeded = status != null && status.getSucceeded() != null && status.getSucceeded() > 0;
            boolean failed = status != null && status.getFailed() != null && status.getFailed() > 0;
            if (succeeded || failed) {
                return finished(k8s, namespace, jobName, succeeded, tail);
            }
            Thread.sleep(pollInterval.toMillis());
        }
        return TaskOutcome.failed("job " + jobName + " did not finish within " + timeout + " s", null);
    }

    private static TaskOutcome finished(KubernetesClient k8s, String namespace, String jobName, boolean succeeded,
            int tail) {
        List<Pod> pods = k8s.pods().inNamespace(namespace).withLabel("job-name", jobName).list().getItems();
        Integer exitCode = null;
        String log = "";
        if (!pods.isEmpty()) {
            Pod pod = pods.get(pods.size() - 1);
            if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
                    && !pod.getStatus().getContainerStatuses().isEmpty()) {
                ContainerStateTerminated terminated = pod.getStatus().getContainerStatuses().get(0).getState() == null
                        ? null : pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
                exitCode = terminated == null ? null : terminated.getExitCode();
            }
            try {
                log = k8s.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).tailingLines(tail)
                        .getLog();
            } catch (KubernetesClientException e) {
                log = "";
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobName", jobName);
        out.put("exitCode", exitCode);
        out.put("succeeded", succeeded);
        out.put("logTail", log == null ? "" : log);
        if (succeeded) {
            return TaskOutcome.completed(out);
        }
        return TaskOutcome.failed("the container exited with code " + exitCode, out);
    }

    private static void deleteQuietly(KubernetesClient k8s, String namespace, String jobName) {
        try {
            k8s.batch().v1().jobs().inNamespace(namespace).withName(jobName)
                    .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            // already gone, or the cluster is unreachable: its TTL removes it later
        }
    }

    private static Job job(String name, ContainerInput input, TaskCall call, int timeout) {
        List<EnvVar> env = new ArrayList<>();
        if (input.env() != null) {
            if (input.env().size() > MAX_ARGS) {
                throw new InputException("env", "at most " + MAX_ARGS + " variables are allowed");
            }
            input.env().forEach((k, v) -> {
                if (!ENV_NAME.matcher(k).matches()) {
                    throw new InputException("env." + k, "is not a variable name");
                }
                env.add(new EnvVar(k, v == null ? "" : v, null));
            });
        }
        Map<String, Quantity> limits = new LinkedHashMap<>();
        if (input.resources() != null) {
            input.resources().forEach((k, v) -> {
                if (!k.equals("cpu") && !k.equals("memory")) {
                    throw new InputException("resources." + k, "only cpu and memory can be set");
                }
                if (v == null || !QUANTITY.matcher(v).matches()) {
                    throw new InputException("resources." + k, "must be a quantity like 500m or 256Mi");
                }
                limits.put(k, new Quantity(v));
            });
        }
        return new JobBuilder()
                .withNewMetadata().withName(name)
                    .addToLabels("app.kubernetes.io/managed-by", "baton")
                    .addToLabels("baton.dev/task", call.taskId().toString())
                    .addToLabels("baton.dev/tenant", call.tenant().value())
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds((long) timeout)
                    .withTtlSecondsAfterFinished(300)
                    .withNewTemplate()
                        .withNewMetadata().addToLabels("job-name", name).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withAutomountServiceAccountToken(false)
                            .addNewContainer()
                                .withName("task")
                                .withImage(input.image())
                                .withCommand(bounded(input.command(), "command"))
                                .withArgs(bounded(input.args(), "args"))
                                .withEnv(env)
                                .withResources(new ResourceRequirementsBuilder().withLimits(limits)
                                        .withRequests(limits).build())
                                .withNewSecurityContext()
                                    .withAllowPrivilegeEscalation(false)
                                    .withPrivileged(false)
                                .endSecurityContext()
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static List<String> bounded(List<String> values, String field) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_ARGS || values.stream().anyMatch(v -> v == null || v.length() > MAX_ARG)) {
            throw new InputException(field, "at most " + MAX_ARGS + " entries of at most " + MAX_ARG + " characters");
        }
        return values;
    }

    private static KubernetesClient client(Connection cluster) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(cluster.text("masterUrl"))
                .withOauthToken(cluster.text("token"))
                .withNamespace(cluster.text("namespace"))
                .withCaCertData(cluster.text("caCertData"))
                .withConnectionTimeout(10_000)
                .withRequestTimeout(30_000)
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
