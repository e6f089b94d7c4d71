package dev.baton.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chart rendered by Helm ({@code helm template}) and read into Kubernetes' object model. */
final class RenderedChart {

    static final String RELEASE = "baton";
    static final String NAMESPACE = "workflows";
    /** The oldest Kubernetes the chart supports (Chart.yaml's kubeVersion): the pods' preStop sleep needs it. */
    static final String KUBERNETES_VERSION = "1.29.0";
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();

    final List<HasMetadata> objects;

    private RenderedChart(List<HasMetadata> objects) {
        this.objects = objects;
    }

    static Path chart() {
        return Path.of(System.getProperty("baton.it.chart", "helm/baton"));
    }

    /** {@code helm template baton <chart> --namespace workflows --set k=v ...}. */
    static RenderedChart render(Map<String, Object> values) {
        KubernetesApiStub.started();
        TemplateCommand template = new Helm(chart()).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBERNETES_VERSION);
        values.forEach(template::set);
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : template.call().split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(line -> !line.isBlank() && !line.startsWith("#"))) {
                objects.add(KUBERNETES.unmarshal(document, HasMetadata.class));
            }
        }
        return new RenderedChart(objects);
    }

    <T extends HasMetadata> T one(Class<T> kind) {
        List<T> found = all(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind.getSimpleName() + ", found " + found.size());
        }
        return found.getFirst();
    }

    <T extends HasMetadata> List<T> all(Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    List<String> kinds() {
        return objects.stream().map(HasMetadata::getKind).sorted().toList();
    }

    Container platformContainer() {
        return one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    /**
     * The platform container's environment as the kubelet would give it: plain values, and values read from the
     * rendered Secret (the one secretKeyRef names; it must be rendered and hold the key).
     */
    Map<String, String> containerEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : platformContainer().getEnv()) {
            if (variable.getValueFrom() == null) {
                env.put(variable.getName(), variable.getValue());
                continue;
            }
            var ref = variable.getValueFrom().getSecretKeyRef();
            Secret secret = all(Secret.class).stream().filter(s -> s.getMetadata().getName().equals(ref.getName()))
                    .findFirst().orElseThrow(() -> new AssertionError(variable.getName() + " reads Secret "
                            + ref.getName() + ", which the chart did not render"));
            String encoded = secret.getData().get(ref.getKey());
            if (encoded == null) {
                throw new AssertionError(variable.getName() + " reads key " + ref.getKey() + ", which Secret "
                        + ref.getName() + " does not hold");
            }
            env.put(variable.getName(), new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
        }
        return env;
    }

    /**
     * Fields the Kubernetes model does not know, by path: the model keeps them aside (its additional properties),
     * where an API server would refuse or drop them.
     */
    List<String> unknownFields() {
        List<String> found = new ArrayList<>();
        for (HasMetadata object : objects) {
            collectUnknown(object, object.getKind() + "/" + object.getMetadata().getName(), found);
        }
        return found;
    }

    private static void collectUnknown(Object value, String path, List<String> found) {
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknown(v, path + "." + k, found));
            return;
        }
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || getter.getDeclaringClass() == Object.class
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) child).keySet().forEach(k -> found.add(path + "." + k));
            } else if (!getter.getName().equals("getClass")) {
                collectUnknown(child, path + "." + getter.getName().replaceFirst("^(get|is)", ""), found);
            }
        }
    }
}
