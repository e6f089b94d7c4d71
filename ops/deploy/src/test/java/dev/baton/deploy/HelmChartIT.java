package dev.baton.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Helm chart under ops/deploy/helm/baton: linted and rendered by Helm, and run with the image. */
class HelmChartIT {

    private static final String FULLNAME = "baton";

    @Test
    void lintsWithoutWarningsInStrictMode() {
        LintResult lint = new Helm(RenderedChart.chart()).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void defaultsRenderOnlyFieldsKubernetesKnows() {
        RenderedChart chart = RenderedChart.render(Map.of());

        assertThat(chart.kinds()).containsExactly("Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                "Secret", "Service", "ServiceAccount");
        assertThat(chart.unknownFields()).isEmpty();
    }

    @Test
    void defaultsRunNonRootNodesProbedOnTheActuatorsHealthGroups() {
        RenderedChart chart = RenderedChart.render(Map.of());
        Deployment deployment = chart.one(Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = chart.platformContainer();

        // the autoscaler owns the replica count
        assertThat(deployment.getSpec().getReplicas()).isNull();
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(container.getImage()).isEqualTo("baton:0.1.0-SNAPSHOT");
        assertThat(container.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(8080);
        });
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(container.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5L);
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(45L);
        assertThat(container.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsOnlyKeys("memory");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath())
                .containsExactly("data:/var/lib/baton", "tmp:/tmp");
        assertThat(pod.getVolumes()).extracting(v -> v.getName() + ":" + (v.getEmptyDir() != null))
                .containsExactly("data:true", "tmp:true");
        assertThat(pod.getServiceAccountName()).isEqualTo(FULLNAME);
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();

        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(chart.one(Service.class).getSpec().getSelector());
        assertThat(podLabels).containsAllEntriesOf(
                chart.one(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
        assertThat(chart.one(Service.class).getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(80);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
        });

        HorizontalPodAutoscaler hpa = chart.one(HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
        assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(m -> {
            assertThat(m.getResource().getName()).isEqualTo("cpu");
            assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        });
    }

    @Test
    void defaultsGenerateTheSecretKeyAndTheApplicationRolesPasswordAndNameTheServiceAsIssuer() {
        RenderedChart chart = RenderedChart.render(Map.of());
        Secret secret = chart.one(Secret.class);
        Map<String, String> env = chart.containerEnvironment();

        assertThat(secret.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(secret.getData()).containsOnlyKeys("database-owner-password", "database-app-password",
                "secret-keys");
        assertThat(env.get("BATON_SECRETS_KEYS")).startsWith("k1:");
        assertThat(Base64.getDecoder().decode(env.get("BATON_SECRETS_KEYS").substring(3))).hasSize(32);
        assertThat(env.get("BATON_DATABASE_APPPASSWORD")).hasSize(32);
        assertThat(env).containsEntry("BATON_ISSUER", "http://baton.workflows.svc:80")
                .containsEntry("BATON_DATABASE_URL", "jdbc:postgresql://postgresql:5432/baton")
                .containsEntry("BATON_DATABASE_OWNERUSERNAME", "postgres")
                .containsEntry("BATON_DATABASE_APPUSERNAME", "baton_app")
                .containsEntry("BATON_DATABASE_POOLSIZE", "20")
                .doesNotContainKeys("BATON_REDIS_URL", "BATON_SEARCH_URL");
        // every new installation gets a key of its own
        assertThat(RenderedChart.render(Map.of()).containerEnvironment().get("BATON_SECRETS_KEYS"))
                .isNotEqualTo(env.get("BATON_SECRETS_KEYS"));
    }

    @Test
    void anUpgradeKeepsTheKeyAndThePasswordTheReleaseGenerated() {
        Map<String, String> installed = RenderedChart.render(Map.of()).one(Secret.class).getData();
        KubernetesApiStub cluster = KubernetesApiStub.started();
        cluster.putSecret(RenderedChart.NAMESPACE, FULLNAME, installed);
        try {
            Map<String, String> upgraded = RenderedChart.render(Map.of()).one(Secret.class).getData();

            assertThat(upgraded).containsEntry("secret-keys", installed.get("secret-keys"))
                    .containsEntry("database-app-password", installed.get("database-app-password"));
        } finally {
            cluster.removeSecret(RenderedChart.NAMESPACE, FULLNAME);
        }
    }

    @Test
    void redisSearchIngressAndFixedReplicasReachTheNodes() {
        RenderedChart chart = RenderedChart.render(Map.ofEntries(
                Map.entry("redis.enabled", true), Map.entry("redis.url", "redis://redis.data:6379"),
                Map.entry("credentials.redisPassword", "r-pass"),
                Map.entry("search.enabled", true), Map.entry("search.kind", "elasticsearch"),
                Map.entry("search.url", "https://search.data:9200"), Map.entry("search.username", "baton"),
                Map.entry("credentials.searchPassword", "s-pass"),
                Map.entry("ingress.enabled", true), Map.entry("ingress.host", "baton.example.com"),
                Map.entry("ingress.tlsSecretName", "baton-tls"), Map.entry("ingress.className", "nginx"),
                Map.entry("autoscaling.enabled", false), Map.entry("replicaCount", 3),
                Map.entry("podDisruptionBudget.enabled", false)));

        assertThat(chart.kinds()).containsExactly("Deployment", "Ingress", "Secret", "Service", "ServiceAccount");
        assertThat(chart.unknownFields()).isEmpty();
        assertThat(chart.one(Deployment.class).getSpec().getReplicas()).isEqualTo(3);
        assertThat(chart.containerEnvironment()).containsEntry("BATON_ISSUER", "https://baton.example.com")
                .containsEntry("BATON_REDIS_URL", "redis://redis.data:6379")
                .containsEntry("BATON_REDIS_PASSWORD", "r-pass")
                .containsEntry("BATON_REDIS_KEY_PREFIX", "baton:")
                .containsEntry("BATON_SEARCH_URL", "https://search.data:9200")
                .containsEntry("BATON_SEARCH_KIND", "elasticsearch")
                .containsEntry("BATON_SEARCH_INDEX", "baton-executions")
                .containsEntry("BATON_SEARCH_USERNAME", "baton")
                .containsEntry("BATON_SEARCH_PASSWORD", "s-pass");
        Ingress ingress = chart.one(Ingress.class);
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
            assertThat(tls.getHosts()).containsExactly("baton.example.com");
            assertThat(tls.getSecretName()).isEqualTo("baton-tls");
        });
        assertThat(ingress.getSpec().getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getHost()).isEqualTo("baton.example.com");
            assertThat(rule.getHttp().getPaths().getFirst().getBackend().getService().getName()).isEqualTo(FULLNAME);
            assertThat(rule.getHttp().getPaths().getFirst().getBackend().getService().getPort().getName())
                    .isEqualTo("http");
        });
    }

    @Test
    void anExistingSecretReplacesTheChartsOwn() {
        RenderedChart chart = RenderedChart.render(Map.of("existingSecret", "ops-credentials", "redis.enabled", true,
                "redis.url", "redis://redis:6379"));

        assertThat(chart.all(Secret.class)).isEmpty();
        assertThat(chart.platformContainer().getEnv()).filteredOn(e -> e.getValueFrom() != null)
                .extracting(EnvVar::getName, e -> e.getValueFrom().getSecretKeyRef().getName(),
                        e -> e.getValueFrom().getSecretKeyRef().getKey())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("BATON_DATABASE_OWNERPASSWORD", "ops-credentials",
                                "database-owner-password"),
                        org.assertj.core.groups.Tuple.tuple("BATON_DATABASE_APPPASSWORD", "ops-credentials",
                                "database-app-password"),
                        org.assertj.core.groups.Tuple.tuple("BATON_SECRETS_KEYS", "ops-credentials", "secret-keys"),
                        org.assertj.core.groups.Tuple.tuple("BATON_REDIS_PASSWORD", "ops-credentials",
                                "redis-password"));
    }

    @Test
    void valuesOutsideTheSchemaAreRefusedNamingTheField() {
        assertThatThrownBy(() -> RenderedChart.render(Map.of("search.kind", "solr")))
                .hasMessageContaining("at '/search/kind': value must be one of 'opensearch', 'elasticsearch'");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("database.url", "postgres://db/baton")))
                .hasMessageContaining("at '/database/url'");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("replicas", 3)))
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("credentials.secretKeys", "k1:short")))
                .hasMessageContaining("at '/credentials/secretKeys'");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("autoscaling.minReplicas", 5,
                "autoscaling.maxReplicas", 3)))
                .hasMessageContaining("autoscaling.minReplicas must not exceed autoscaling.maxReplicas");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("redis.enabled", true)))
                .hasMessageContaining("redis.url is required when redis.enabled is true");
    }

    @Test
    void theImageRunsWithTheChartsEnvironmentAndAnswersItsProbes() throws Exception {
        ImageLayout image = ImageLayout.unpacked();
        int port = RunningPlatform.freePort();
        String prefix = "baton-deploy-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        Map<String, Object> values = new HashMap<>(Map.of(
                "issuer", "http://127.0.0.1:" + port,
                "database.url", TestPostgres.newDatabase(),
                "database.ownerUsername", TestPostgres.USER,
                "redis.enabled", true, "redis.url", "redis://127.0.0.1:6379", "redis.keyPrefix", prefix));
        if (!TestPostgres.PASSWORD.isEmpty()) {
            values.put("credentials.databaseOwnerPassword", TestPostgres.PASSWORD);
        }
        RenderedChart chart = RenderedChart.render(values);
        Container container = chart.platformContainer();

        try (RunningPlatform node = RunningPlatform.start(image, chart.containerEnvironment(), "768m", port)) {
            // the startup probe allows periodSeconds × failureThreshold for migrations on an empty database
            node.awaitOk(container.getStartupProbe().getHttpGet().getPath(), Duration.ofSeconds(
                    (long) container.getStartupProbe().getPeriodSeconds()
                            * container.getStartupProbe().getFailureThreshold()));
            // liveness is UP when the context has started, readiness only once the start-up runners (the first
            // administrator) have run; Kubernetes asks readiness again every periodSeconds, so the test waits too
            String readiness = container.getReadinessProbe().getHttpGet().getPath();
            node.awaitOk(readiness, Duration.ofSeconds(30));
            assertThat(node.get(readiness).body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(node.get(container.getLivenessProbe().getHttpGet().getPath()).body())
                    .isEqualTo("{\"status\":\"UP\"}");

            // the node that made the first administrator wrote it to the data volume; its key signs in
            assertThat(node.adminToken()).isNotBlank();
            // the secrets' key came from the chart's Secret: no key file was written beside the credentials
            assertThat(node.volume.resolve("data/secret-keys")).doesNotExist();
            // the nodes meet in the chart's Redis: this one holds its leadership there under the chart's prefix
            assertThat(redisKeys(prefix + "leader:*")).isNotEmpty();

            Duration stopped = node.stop(Duration.ofSeconds(
                    chart.one(Deployment.class).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()));
            assertThat(stopped).isLessThan(Duration.ofSeconds(30));
        }
    }

    /** KEYS over Redis' own protocol: the names that match. */
    private static List<String> redisKeys(String pattern) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", 6379)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("*2\r\n$4\r\nKEYS\r\n$" + pattern.length() + "\r\n" + pattern + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = readLine(in);
            if (!header.startsWith("*")) {
                throw new IllegalStateException("Redis answered " + header);
            }
            int count = Integer.parseInt(header.substring(1));
            List<String> keys = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                readLine(in);
                keys.add(readLine(in));
            }
            return keys;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
