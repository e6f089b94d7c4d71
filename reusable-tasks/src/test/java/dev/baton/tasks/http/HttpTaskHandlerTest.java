package dev.baton.tasks.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.InputException;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What the HTTP task refuses before any call goes out: at save time, and on the input it gets at run time. */
class HttpTaskHandlerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpTaskHandler handler = new HttpTaskHandler(new OutboundAddressPolicy(
            new OutboundAddressPolicy.Settings(false, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(5), 1024)),
            null, Duration.ofSeconds(1), Duration.ofSeconds(5));

    @AfterEach
    void close() throws Exception {
        handler.close();
    }

    private static HttpInput input(String json) {
        return JSON.readValue(json, HttpInput.class);
    }

    private String refusedField(String inputJson) {
        return catchThrowableOfType(InputException.class, () -> handler.execute(input(inputJson), null)).field();
    }

    @Test
    void inputWithoutUriOrWithAnUnknownMethodIsRefusedNamingTheFieldAsTheInputSpellsIt() {
        assertThat(refusedField("{\"method\":\"GET\"}")).isEqualTo("uri");
        assertThat(refusedField("{\"http_request\":{\"method\":\"GET\"}}")).isEqualTo("http_request.uri");
        InputException method = catchThrowableOfType(InputException.class,
                () -> handler.execute(input("{\"uri\":\"https://example.org\",\"method\":\"FETCH\"}"), null));
        assertThat(method.getMessage())
                .isEqualTo("input 'method' must be one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, not 'FETCH'");
    }

    @Test
    void headersWithLineBreaksNonPositiveTimeoutsAndFormsThatAreNoObjectAreRefused() {
        assertThat(refusedField("""
                {"uri":"https://example.org","method":"GET","headers":{"X-A":"1\\r\\nX-B: 2"}}""")).isEqualTo("headers.X-A");
        assertThat(refusedField("{\"uri\":\"https://example.org\",\"method\":\"GET\",\"readTimeOut\":0}"))
                .isEqualTo("readTimeOut");
        assertThat(refusedField("""
                {"uri":"https://example.org","method":"POST","contentType":"application/x-www-form-urlencoded",
                 "body":"a=1"}""")).isEqualTo("body");
    }

    @Test
    void aPlainHttpOrPrivateAddressFailsTheTaskForGoodWithoutACall() throws Exception {
        var plain = handler.execute(input("{\"uri\":\"http://example.org/\",\"method\":\"GET\"}"), null);
        assertThat(plain.status().name()).isEqualTo("FAILED_WITH_TERMINAL_ERROR");
        assertThat(plain.reason()).isEqualTo("input 'uri' must be an https URL");
        var metadata = handler.execute(input("{\"uri\":\"https://169.254.169.254/\",\"method\":\"GET\"}"), null);
        assertThat(metadata.reason()).startsWith("input 'uri' resolves to 169.254.169.254, a link-local address");
    }

    @Test
    void aDefinitionIsCheckedForUriMethodAndLiteralAddressesButExpressionsWaitForRunTime() {
        assertThat(checkRefuses("{\"uri\":\"https://example.org\"}")).isEqualTo("tasks[0].inputParameters.method");
        assertThat(checkRefuses("{\"http_request\":{\"uri\":\"https://10.1.2.3/\",\"method\":\"GET\"}}"))
                .isEqualTo("tasks[0].inputParameters.http_request.uri");
        assertThat(checkRefuses("{\"uri\":\"${workflow.input.u}\",\"method\":\"${workflow.input.m}\"}")).isNull();
    }

    private String checkRefuses(String inputJson) {
        WorkflowTask task = JSON.readValue("{\"name\":\"h\",\"taskReferenceName\":\"h\",\"type\":\"HTTP\","
                + "\"inputParameters\":" + inputJson + "}", WorkflowTask.class);
        try {
            handler.check(task, new Check());
            return null;
        } catch (EngineException e) {
            return e.field();
        }
    }

    /** The validator's view at the first task, enough for the HTTP task's own checks. */
    private static final class Check implements DefinitionCheck {
        @Override
        public String path() {
            return "tasks[0]";
        }

        @Override
        public WorkflowTask nextSibling() {
            return null;
        }

        @Override
        public boolean inLoop() {
            return false;
        }

        @Override
        public boolean runsBefore(String ref) {
            return false;
        }

        @Override
        public void require(boolean condition, String field, String message) {
            if (!condition) {
                throw EngineException.invalid(field, message);
            }
        }

        @Override
        public boolean isLiteral(Object value) {
            return !String.valueOf(value).contains("${");
        }

        @Override
        public void branches(List<List<WorkflowTask>> branches, List<String> fields) {
        }

        @Override
        public void loopBody(WorkflowTask loop, List<WorkflowTask> body, String field) {
        }

        @Override
        public void script(String script, String field) {
        }

        @Override
        public void jq(String query, String field) {
        }

        @Override
        public EngineLimits limits() {
            return new EngineLimits(1000, 1000, 1000, 1000, 10, 4096);
        }
    }
}
