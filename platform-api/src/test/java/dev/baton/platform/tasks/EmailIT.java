package dev.baton.platform.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EMAIL through a real SMTP server in the test (GreenMail) that receives the message: templates, HTML escaping,
 * recipients and attachments arrive as sent; refused credentials, an unreachable server and bad input fail as they
 * should.
 */
class EmailIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(20);
    private static GreenMail smtp;
    private static final String PASSWORD = "mail-" + UUID.randomUUID();

    @BeforeAll
    static void startSmtp() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("robot@shop.example", "robot", PASSWORD);
        smtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    private String mailConnection(TeamWorld w, String password) throws Exception {
        String name = "mail-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> r = call("PUT", "/api/connections/" + name + "?team=" + w.team(), w.token(),
                JSON.writeValueAsString(Map.of("kind", "SMTP", "settings", Map.of("host", "127.0.0.1", "port",
                        smtp.getSmtp().getPort(), "security", "NONE", "from", "robot@shop.example", "username",
                        "robot"), "secretSettings", Map.of("password", password))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        return name;
    }

    private Task send(TeamWorld w, String inputJson, Map<String, Object> input, WorkflowStatus expected)
            throws Exception {
        String name = unique("mail");
        HttpResponse<String> registered = call("POST", "/api/metadata/workflow?team=" + w.team(), w.token(), """
                {"name":"%s","version":1,"tasks":[{"name":"m","taskReferenceName":"m","type":"EMAIL",
                  "inputParameters":%s}]}""".formatted(name, inputJson));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        HttpResponse<String> started = call("POST", "/api/workflow/" + name, w.token(), JSON.writeValueAsString(input));
        Workflow done = awaitStatus(UUID.fromString(started.body().replace("\"", "")), expected, SHORT);
        return taskByRef(done, "m");
    }

    @Test
    void aTemplatedMessageWithHtmlAndAnAttachmentArrivesAsSent() throws Exception {
        TeamWorld w = TeamWorld.create(identities, this::token);
        String connection = mailConnection(w, PASSWORD);
        String csv = Base64.getEncoder().encodeToString("sku,qty\nA-1,3\n".getBytes());
        Task m = send(w, """
                {"connection":"%s","to":"${workflow.input.to}","cc":["ops@shop.example"],"bcc":"audit@shop.example",
                 "subject":"Order {{order}} for {{name}}","text":"Hello {{name}}, {{#items}}{{sku}} {{/items}}ship today.",
                 "html":"<p>Hello {{name}}</p>",
                 "variables":{"name":"${workflow.input.name}","order":"${workflow.input.order}",
                              "items":[{"sku":"A-1"},{"sku":"B-2"}]},
                 "attachments":[{"filename":"stock.csv","contentType":"text/csv","content":"%s"}]}"""
                .formatted(connection, csv), Map.of("to", "ada@customer.example", "name", "Ada <b>&</b>",
                        "order", 42), WorkflowStatus.COMPLETED);
        assertThat(m.getOutputData().get("recipients")).isEqualTo(List.of("ada@customer.example", "ops@shop.example",
                "audit@shop.example"));
        assertThat(smtp.waitForIncomingEmail(5000, 3)).isTrue();
        MimeMessage received = Arrays.stream(smtp.getReceivedMessagesForDomain("customer.example")).findFirst()
                .orElseThrow();
        assertThat(received.getSubject()).isEqualTo("Order 42 for Ada <b>&</b>");
        assertThat(received.getFrom()[0].toString()).isEqualTo("robot@shop.example");
        assertThat(received.getRecipients(Message.RecipientType.CC)[0].toString()).isEqualTo("ops@shop.example");
        assertThat(received.getMessageID()).isEqualTo(m.getOutputData().get("messageId"));
        MimeMultipart mixed = (MimeMultipart) received.getContent();
        MimeMultipart bodies = (MimeMultipart) mixed.getBodyPart(0).getContent();
        assertThat(GreenMailUtil.getBody(bodies.getBodyPart(0)).trim()).isEqualTo("Hello Ada <b>&</b>, A-1 B-2 ship "
                + "today.");
        assertThat(bodies.getBodyPart(1).getContent().toString()).isEqualTo("<p>Hello Ada &lt;b&gt;&amp;&lt;/b&gt;</p>");
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("stock.csv");
        // text parts travel with CRLF line ends, as SMTP wants
        assertThat(new String(mixed.getBodyPart(1).getInputStream().readAllBytes()).replace("\r\n", "\n"))
                .isEqualTo("sku,qty\nA-1,3\n");
    }

    @Test
    void refusedCredentialsFailForGoodAndAnUnreachableServerMayBeRetried() throws Exception {
        TeamWorld w = TeamWorld.create(identities, this::token);
        Task refused = send(w, """
                {"connection":"%s","to":"x@customer.example","text":"hi"}""".formatted(mailConnection(w, "wrong")),
                Map.of(), WorkflowStatus.FAILED);
        assertThat(refused.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(refused.getReasonForIncompletion()).isEqualTo("the mail server refused the connection's "
                + "credentials");
        int closed;
        try (ServerSocket free = new ServerSocket(0)) {
            closed = free.getLocalPort();
        }
        String name = "down-" + UUID.randomUUID().toString().substring(0, 8);
        call("PUT", "/api/connections/" + name + "?team=" + w.team(), w.token(), JSON.writeValueAsString(Map.of(
                "kind", "SMTP", "settings", Map.of("host", "127.0.0.1", "port", closed, "security", "NONE", "from",
                        "robot@shop.example"), "secretSettings", Map.of())));
        Task down = send(w, """
                {"connection":"%s","to":"x@customer.example","text":"hi"}""".formatted(name), Map.of(),
                WorkflowStatus.FAILED);
        assertThat(down.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(down.getReasonForIncompletion()).isEqualTo("cannot send through 127.0.0.1: connection refused");
    }

    @Test
    void aMailServerThatAcceptsButNeverAnswersTimesTheAttemptOut() throws Exception {
        TeamWorld w = TeamWorld.create(identities, this::token);
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            String name = "silent-" + UUID.randomUUID().toString().substring(0, 8);
            call("PUT", "/api/connections/" + name + "?team=" + w.team(), w.token(), JSON.writeValueAsString(Map.of(
                    "kind", "SMTP", "settings", Map.of("host", "127.0.0.1", "port", silent.getLocalPort(),
                            "security", "NONE", "from", "robot@shop.example"), "secretSettings", Map.of())));
            long began = System.nanoTime();
            Task silentTask = send(w, """
                    {"connection":"%s","to":"x@customer.example","text":"hi"}""".formatted(name), Map.of(),
                    WorkflowStatus.FAILED);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
            assertThat(silentTask.getStatus()).isEqualTo(TaskStatus.FAILED);
            assertThat(silentTask.getReasonForIncompletion())
                    .isEqualTo("cannot send through 127.0.0.1: no answer within 2000 ms");
        }
    }

    @Test
    void badAddressesAndTemplatesFailTheTaskNamingTheField() throws Exception {
        TeamWorld w = TeamWorld.create(identities, this::token);
        String connection = mailConnection(w, PASSWORD);
        Task badTo = send(w, """
                {"connection":"%s","to":["ok@customer.example","${workflow.input.to}"],"text":"hi"}"""
                .formatted(connection), Map.of("to", "not an address\r\nBcc: victim@x.example"), WorkflowStatus.FAILED);
        assertThat(badTo.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(badTo.getReasonForIncompletion()).startsWith("input 'to[1]' is not an email address");
        Task badSubject = send(w, """
                {"connection":"%s","to":"ok@customer.example","subject":"{{s}}","text":"hi",
                 "variables":{"s":"${workflow.input.s}"}}""".formatted(connection),
                Map.of("s", "line\r\nBcc: victim@x.example"), WorkflowStatus.FAILED);
        assertThat(badSubject.getReasonForIncompletion())
                .isEqualTo("input 'subject' must be one line of at most 998 characters");
        HttpResponse<String> unclosed = call("POST", "/api/metadata/workflow?team=" + w.team(), w.token(), """
                {"name":"%s","version":1,"tasks":[{"name":"m","taskReferenceName":"m","type":"EMAIL",
                  "inputParameters":{"connection":"%s","to":"a@b.example","text":"{{#open}} never closed"}}]}"""
                .formatted(unique("bad_template"), connection));
        assertThat(unclosed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unclosed.body()).get("field").asString()).isEqualTo("tasks[0].inputParameters.text");
        Task partial = send(w, """
                {"connection":"%s","to":"ok@customer.example","text":"{{> /etc/passwd}}"}""".formatted(connection),
                Map.of(), WorkflowStatus.FAILED);
        assertThat(partial.getReasonForIncompletion()).startsWith("input 'text' is not a valid template");
    }
}
