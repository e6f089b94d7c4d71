package dev.baton.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback stand-in for the Kubernetes API that Helm's {@code lookup} asks while the chart renders: it knows
 * Secrets, and holds those a test puts (as a live release would have them). The test JVM's KUBECONFIG names it,
 * so rendering never reaches a real cluster.
 */
final class KubernetesApiStub {

    private static final String DISCOVERY = """
            {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[{"name":"secrets",\
            "singularName":"secret","namespaced":true,"kind":"Secret","verbs":["get","list"]}]}""";
    private static final String NOT_FOUND = """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}""";
    private static KubernetesApiStub started;

    /** Secrets by "namespace/name", as JSON. */
    private final Map<String, String> secrets = new ConcurrentHashMap<>();

    private KubernetesApiStub() {}

    /** The stub, started once per test JVM and written to the file KUBECONFIG names. */
    static synchronized KubernetesApiStub started() {
        if (started == null) {
            String kubeconfig = System.getenv("KUBECONFIG");
            if (kubeconfig == null || kubeconfig.isBlank()) {
                throw new IllegalStateException("KUBECONFIG must name a file for the stub (failsafe sets it): Helm "
                        + "would otherwise ask the cluster of this machine's kubeconfig");
            }
            KubernetesApiStub stub = new KubernetesApiStub();
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.createContext("/", stub::answer);
                server.start();
                Files.createDirectories(Path.of(kubeconfig).toAbsolutePath().getParent());
                Files.writeString(Path.of(kubeconfig), """
                        apiVersion: v1
                        kind: Config
                        clusters: [{name: stub, cluster: {server: "http://127.0.0.1:%d"}}]
                        users: [{name: stub, user: {token: stub}}]
                        contexts: [{name: stub, context: {cluster: stub, user: stub, namespace: %s}}]
                        current-context: stub
                        """.formatted(server.getAddress().getPort(), RenderedChart.NAMESPACE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            started = stub;
        }
        return started;
    }

    /** A Secret the cluster holds from now on: {@code data} is its base64 data. */
    void putSecret(String namespace, String name, Map<String, String> data) {
        StringBuilder json = new StringBuilder();
        data.forEach((k, v) -> json.append(json.isEmpty() ? "" : ",").append('"').append(k).append("\":\"")
                .append(v).append('"'));
        secrets.put(namespace + "/" + name, """
                {"kind":"Secret","apiVersion":"v1","metadata":{"name":"%s","namespace":"%s"},"type":"Opaque",\
                "data":{%s}}""".formatted(name, namespace, json));
    }

    void removeSecret(String namespace, String name) {
        secrets.remove(namespace + "/" + name);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = NOT_FOUND;
        int status = 404;
        if (path.equals("/api/v1")) {
            body = DISCOVERY;
            status = 200;
        } else if (path.matches("/api/v1/namespaces/[^/]+/secrets/[^/]+")) {
            String[] parts = path.split("/");
            String secret = secrets.get(parts[4] + "/" + parts[6]);
            if (secret != null) {
                body = secret;
                status = 200;
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
