package dev.baton.platform.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import dev.baton.platform.TestDatabase;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Workflows that use a secret (in an HTTP call's headers and body, to a peer that echoes them back) and a connection
 * whose password is secret (an EMAIL), then a scan of every API response, every log line, every stored task input,
 * output and log, every workflow row and every audit entry for the secret values: none may hold one, in plain text,
 * URL-encoded or base64.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretLeakIT extends PlatformIT {

    @Test
    void noSecretValueIsEverReturnedLoggedOrStored(CapturedOutput output) throws Exception {
        String token = "tok-" + UUID.randomUUID();
        String mailPassword = "mail-" + UUID.randomUUID();
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/echo", ex -> {
            String seen = ex.getRequestHeaders().getFirst("Authorization") + " | "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(seen);
            byte[] body = ("{\"youSent\":" + JSON.writeValueAsString(seen) + ",\"encoded\":\""
                    + URLEncoder.encode(token, StandardCharsets.UTF_8) + "\",\"b64\":\""
                    + Base64.getEncoder().encodeToString(token.getBytes()) + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("X-Echo", token);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        peer.start();
        int smtpPort;
        try (ServerSocket free = new ServerSocket(0)) {
            smtpPort = free.getLocalPort();
        }
        GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("robot@shop.example", "robot", mailPassword);
        smtp.start();
        List<String> responses = new ArrayList<>();
        try {
            TeamWorld w = TeamWorld.create(identities, this::token);
            String secret = "api-token-" + w.team();
            String mail = "mail-" + w.team();
            responses.add(put("/api/secrets/" + secret + "?team=" + w.team(), w.token(),
                    Map.of("value", token, "description", "the shop's API token")));
            responses.add(put("/api/connections/" + mail + "?team=" + w.team(), w.token(), Map.of("kind", "SMTP",
                    "settings", Map.of("host", "127.0.0.1", "port", smtpPort, "security", "NONE", "from",
                            "robot@shop.example", "username", "robot"),
                    "secretSettings", Map.of("password", mailPassword))));

            HttpResponse<String> scriptUse = call("POST", "/api/metadata/workflow?team=" + w.team(), w.token(), """
                    {"name":"%s","version":1,"tasks":[{"name":"s","taskReferenceName":"s","type":"INLINE",
                      "inputParameters":{"t":"${secrets.%s}","expression":"$.t"}}]}""".formatted(unique("leaky"),
                    secret));
            assertThat(scriptUse.statusCode()).as("a script would see the value").isEqualTo(400);
            responses.add(scriptUse.body());

            String flow = unique("with_secrets");
            HttpResponse<String> registered = call("POST", "/api/metadata/workflow?team=" + w.team(), w.token(), """
                    {"name":"%s","version":1,"tasks":[
                      {"name":"call","taskReferenceName":"call","type":"HTTP","inputParameters":{
                        "uri":"http://127.0.0.1:%d/echo","method":"POST",
                        "headers":{"Authorization":"Bearer ${secrets.%s}"},
                        "body":{"token":"${secrets.%s}","order":"${workflow.input.order}"}}},
                      {"name":"mail","taskReferenceName":"mail","type":"EMAIL","inputParameters":{
                        "connection":"%s","to":"ada@customer.example","subject":"Order {{o}}","text":"Thanks",
                        "variables":{"o":"${workflow.input.order}"}}}]}"""
                    .formatted(flow, peer.getAddress().getPort(), secret, secret, mail));
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
            HttpResponse<String> started = call("POST", "/api/workflow/" + flow, w.token(), "{\"order\":7}");
            UUID id = UUID.fromString(started.body().replace("\"", ""));
            Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(20));

            assertThat(received).singleElement().asString().startsWith("Bearer " + token + " | ")
                    .contains("\"token\":\"" + token + "\"");
            assertThat(smtp.getReceivedMessages()).hasSize(1);
            Map<?, ?> echoed = (Map<?, ?>) ((Map<?, ?>) taskByRef(done, "call").getOutputData().get("response"))
                    .get("body");
            assertThat(echoed.get("youSent")).asString().startsWith("Bearer [secret] | ")
                    .contains("\"token\":\"[secret]\"");
            assertThat(echoed.get("encoded")).isEqualTo("[secret]");
            assertThat(echoed.get("b64")).isEqualTo("[secret]");

            String admin = adminToken();
            responses.add(call("GET", "/api/workflow/" + id + "?includeTasks=true", w.token(), null).body());
            for (Task t : done.getTasks()) {
                responses.add(call("GET", "/api/tasks/" + t.getTaskId(), w.token(), null).body());
                responses.add(call("GET", "/api/tasks/" + t.getTaskId() + "/log", w.token(), null).body());
            }
            responses.add(call("GET", "/api/secrets", w.token(), null).body());
            responses.add(call("GET", "/api/connections", w.token(), null).body());
            responses.add(call("GET", "/api/connections/" + mail, w.token(), null).body());
            responses.add(call("GET", "/api/workflow/search?query=workflowType%3D" + flow, w.token(), null).body());
            responses.add(call("GET", "/api/audit/export", admin, null).body());
            responses.add(call("GET", "/api/metadata/workflow/" + flow, w.token(), null).body());

            List<String> values = List.of(token, mailPassword);
            for (String value : values) {
                List<String> forms = List.of(value, URLEncoder.encode(value, StandardCharsets.UTF_8),
                        Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
                for (String form : forms) {
                    assertThat(responses).as("API responses").noneMatch(r -> r.contains(form));
                    assertThat(output.getAll()).as("log lines").doesNotContain(form);
                    assertThat(stored()).as("stored rows").doesNotContain(form);
                }
            }
        } finally {
            peer.stop(0);
            smtp.stop();
        }
    }

    private String put(String path, String token, Object body) throws Exception {
        HttpResponse<String> r = call("PUT", path, token, JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        return r.body();
    }

    /** Every task, task log, workflow and audit row of every tenant, as text, read as the database owner. */
    private static String stored() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword()); Statement s = c.createStatement()) {
            for (String table : List.of("tasks", "task_logs", "workflows", "audit_log", "workflow_defs",
                    "connections", "secrets")) {
                try (ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t")) {
                    while (rs.next()) {
                        all.append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return all.toString();
    }
}
