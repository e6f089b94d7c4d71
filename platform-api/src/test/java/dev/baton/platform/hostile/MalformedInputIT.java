package dev.baton.platform.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.platform.ApiCalls;
import dev.baton.platform.PlatformIT;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every endpoint, sent a NUL character (U+0000) in its path, its query and every string of its body: each answer
 * is a 400 naming where the NUL was, never a 5xx. Headers and sign-in forms get the same.
 */
class MalformedInputIT extends PlatformIT {

    private static final String NUL = "\u0000";
    private ApiCalls.Resources real;
    private String admin;

    @BeforeEach
    void resources() {
        String taskDef = unique("nul_task");
        String workflowDef = unique("nul_flow");
        registerTask(taskDef, "");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"step"}]}"""
                .formatted(workflowDef, taskDef));
        UUID id = workflows.start(TENANT, StartWorkflowRequest.of(workflowDef, null, Map.of()));
        String team = unique("nul-team").toLowerCase();
        identities.createTeam(TENANT, team, null);
        real = new ApiCalls.Resources(taskDef, workflowDef, id.toString(),
                workflow(id).getTasks().get(0).getTaskId().toString(), "corr", team, UUID.randomUUID().toString(),
                unique("nul-login").toLowerCase(), UUID.randomUUID().toString(), "key", TENANT.value(),
                UUID.randomUUID().toString(), unique("nul-entry").toLowerCase(), unique("nul-secret").toLowerCase(),
                unique("nul-connection").toLowerCase());
        admin = adminToken();
    }

    @Test
    void aNulInAnyPathQueryOrBodyOfEveryEndpointIsA400NamingWhereItWas() throws Exception {
        ApiCalls.Resources poisoned = new ApiCalls.Resources("t%00x", "w%00x", "a%00b", "a%00b", "c%00x",
                "team%00x", "u%00x", "l%00x", "a%00x", "k%00x", "t%00x", "p%00x", "e%00x", "s%00x", "c%00x");
        List<String> failures = new ArrayList<>();
        for (String endpoint : ApiCalls.ENDPOINTS.keySet()) {
            if (endpoint.contains("{")) {
                expect(failures, endpoint + " path", ApiCalls.send(port, endpoint, poisoned, admin), "path");
            }
            expect(failures, endpoint + " query",
                    ApiCalls.send(port, endpoint, real, admin, "note=a%00b", body -> body), "note");
            Object body = ApiCalls.ENDPOINTS.get(endpoint).body().apply(real);
            if (body != null && !poison(body).equals(body)) {
                HttpResponse<String> r = ApiCalls.send(port, endpoint, real, admin, "", MalformedInputIT::poison);
                expect(failures, endpoint + " body", r, null);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aNulInAHeaderIsA400NamingTheHeader() throws Exception {
        String status = rawRequest("GET /api/metadata/workflow HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + admin + "\r\nX-Note: a" + NUL + "b\r\nConnection: close\r\n\r\n");
        assertThat(status).startsWith("HTTP/1.1 400");
    }

    @Test
    void aNulInTheSignInFormIsA400() throws Exception {
        String form = "username=admin%00x&password=whatever";
        String status = rawRequest("POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                + "application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                + "\r\nConnection: close\r\n\r\n" + form);
        assertThat(status).startsWith("HTTP/1.1 400");
    }

    @Test
    void anEscapedBackslashBeforeU0000IsNotANul() throws Exception {
        String flow = unique("backslash");
        HttpResponse<String> r = ApiCalls.send(port, "POST /api/metadata/workflow", real, admin, "", body -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> def = new LinkedHashMap<>((Map<String, Object>) body);
            def.put("name", flow);
            def.put("description", "a literal \\u0000 in text");
            return def;
        });
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(metadata.workflowDef(TENANT, flow, 1).orElseThrow().description())
                .isEqualTo("a literal \\u0000 in text");
    }

    private static void expect(List<String> failures, String what, HttpResponse<String> r, String field) {
        if (r.statusCode() != 400) {
            failures.add(what + ": " + r.statusCode() + " " + r.body());
            return;
        }
        if (!r.headers().firstValue("Content-Type").orElse("").contains("json")) {
            failures.add(what + ": not problem details: " + r.body().substring(0, Math.min(200, r.body().length())));
            return;
        }
        JsonNode problem = JSON.readTree(r.body());
        String named = problem.path("field").asString("");
        if (field != null ? !field.equals(named) : named.isEmpty()) {
            failures.add(what + ": field '" + named + "' in " + r.body());
        }
    }

    /** The body with a NUL put into every string in it. */
    private static Object poison(Object body) {
        if (body instanceof String s) {
            return s + NUL;
        }
        if (body instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, poison(v)));
            return out;
        }
        if (body instanceof List<?> l) {
            return l.stream().map(MalformedInputIT::poison).toList();
        }
        return body;
    }

    private String rawRequest(String request) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[200];
            int n = in.read(buffer);
            return new String(buffer, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1);
        }
    }
}
