package dev.baton.engine.internal.tasks;

import static dev.baton.engine.internal.tasks.FakeRun.map;
import static dev.baton.engine.internal.tasks.FakeRun.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.WorkflowStart;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handlers that decide a single task: switch, terminate, wait, variables, no-op and workflow starts. */
class SimpleHandlersTest {

    private static Task added(FakeRun run, String json, Map<String, Object> input) {
        WorkflowTask wt = task(json);
        return run.add(wt, wt.typeOrSimple(), new LinkedHashMap<>(input), 0);
    }

    @Test
    void aValueParamSwitchSelectsTheCaseOfItsInputAndRunsThatCaseNext() {
        FakeRun run = new FakeRun();
        Task sw = added(run, """
                {"name":"s","taskReferenceName":"s","type":"SWITCH","evaluatorType":"value-param","expression":"k",
                 "decisionCases":{"7":[{"name":"seven","taskReferenceName":"seven"}]},
                 "defaultCase":[{"name":"other","taskReferenceName":"other"}]}""", Map.of("k", 7.0));
        SwitchHandler handler = new SwitchHandler(null);
        assertThat(handler.decide(run, sw)).isTrue();
        assertThat(sw.getOutputData()).isEqualTo(Map.of("evaluationResult", List.of("7"), "selectedCase", "7"));
        assertThat(handler.next(sw)).extracting(WorkflowTask::taskReferenceName).containsExactly("seven");
        sw.getOutputData().put("selectedCase", "nothing");
        assertThat(handler.next(sw)).extracting(WorkflowTask::taskReferenceName).containsExactly("other");
    }

    @Test
    void aLegacyDecisionSelectsByItsCaseValueParam() {
        FakeRun run = new FakeRun();
        Task d = added(run, """
                {"name":"d","taskReferenceName":"d","type":"DECISION","caseValueParam":"c",
                 "decisionCases":{"x":[{"name":"x","taskReferenceName":"x"}]}}""", Map.of("c", "x"));
        new SwitchHandler(null).decide(run, d);
        assertThat(d.getOutputData().get("selectedCase")).isEqualTo("x");
        assertThat(d.getOutputData().get("caseOutput")).as("Conductor's DECISION output").isEqualTo(List.of("x"));
        assertThat(d.getInputData().get("case")).isEqualTo("x");
    }

    @Test
    void aSwitchWhoseValueParamNamesNoInputIsRefused() {
        WorkflowTask sw = task("""
                {"name":"s","taskReferenceName":"s","type":"SWITCH","expression":"k","inputParameters":{"j":1}}""");
        assertThat(FakeCheck.refusedField(() -> new SwitchHandler(null).check(sw, new FakeCheck())))
                .isEqualTo("tasks[0].expression");
    }

    @Test
    void terminateEndsTheWorkflowAsItsInputSays() {
        FakeRun failed = new FakeRun();
        Task t = added(failed, "{\"name\":\"t\",\"taskReferenceName\":\"t\",\"type\":\"TERMINATE\"}",
                Map.of("terminationStatus", "FAILED", "terminationReason", "no stock"));
        new TerminateHandler().decide(failed, t);
        assertThat(failed.ended).isEqualTo("FAILED: no stock");
        assertThat(t.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        FakeRun completed = new FakeRun();
        Task c = added(completed, "{\"name\":\"t\",\"taskReferenceName\":\"t\",\"type\":\"TERMINATE\"}",
                Map.of("workflowOutput", Map.of("r", 1)));
        new TerminateHandler().decide(completed, c);
        assertThat(completed.ended).isEqualTo("COMPLETED");
        assertThat(completed.endOutput).isEqualTo(Map.of("r", 1));
    }

    @Test
    void aWaitWithADurationWaitsUntilThenAndABadOneFailsForGood() {
        FakeRun run = new FakeRun();
        Task wait = added(run, "{\"name\":\"w\",\"taskReferenceName\":\"w\",\"type\":\"WAIT\"}",
                Map.of("duration", "2 minutes"));
        assertThat(new WaitHandler().decide(run, wait)).isTrue();
        assertThat(wait.getStatus()).isEqualTo(TaskStatus.IN_PROGRESS);
        assertThat(wait.getWaitUntil()).isEqualTo(FakeRun.NOW.plus(Duration.ofMinutes(2)));
        assertThat(new WaitHandler().decide(run, wait)).as("a waiting task does not change by itself").isFalse();
        Task bad = added(run, "{\"name\":\"b\",\"taskReferenceName\":\"b\",\"type\":\"WAIT\"}",
                Map.of("duration", "soon"));
        new WaitHandler().decide(run, bad);
        assertThat(bad.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(new WaitHandler().takesExternalUpdates()).isTrue();
    }

    @Test
    void aWaitWithALiteralDurationThatDoesNotParseIsRefused() {
        WorkflowTask wait = task("""
                {"name":"w","taskReferenceName":"w","type":"WAIT","inputParameters":{"duration":"a while"}}""");
        assertThat(FakeCheck.refusedField(() -> new WaitHandler().check(wait, new FakeCheck())))
                .isEqualTo("tasks[0].inputParameters.duration");
    }

    @Test
    void setVariableCopiesItsInputIntoTheWorkflowsVariablesAndNoopJustCompletes() {
        FakeRun run = new FakeRun();
        Task set = added(run, "{\"name\":\"v\",\"taskReferenceName\":\"v\",\"type\":\"SET_VARIABLE\"}",
                Map.of("a", 1, "b", "two"));
        new SetVariableHandler().decide(run, set);
        assertThat(run.workflow.getVariables()).isEqualTo(Map.of("a", 1, "b", "two"));
        Task noop = added(run, "{\"name\":\"n\",\"taskReferenceName\":\"n\",\"type\":\"NOOP\"}", Map.of("x", 1));
        new NoopHandler().decide(run, noop);
        assertThat(noop.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(noop.getOutputData()).isEmpty();
    }

    @Test
    void aSubWorkflowOfAnUnknownDefinitionFailsAndOneThatStartedIsTerminatedOnCancel() {
        FakeRun run = new FakeRun();
        Task sub = added(run, """
                {"name":"s","taskReferenceName":"s","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"child"}}""",
                Map.of());
        new SubWorkflowHandler().decide(run, sub);
        assertThat(sub.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(sub.getReasonForIncompletion()).isEqualTo("no workflow definition named 'child'");
        Task running = added(run, """
                {"name":"s2","taskReferenceName":"s2","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"child"}}""",
                Map.of());
        running.setSubWorkflowId(java.util.UUID.randomUUID());
        running.setReasonForIncompletion("workflow TERMINATED");
        new SubWorkflowHandler().cancel(run, running);
        assertThat(run.terminatedChildren).containsExactly(running.getSubWorkflowId() + ": parent workflow TERMINATED");
    }

    @Test
    void workflowStartingTypesNameTheWorkflowsTheyStartForTheCompositionCheck() {
        assertThat(new SubWorkflowHandler().workflowsStarted(task("""
                {"name":"s","taskReferenceName":"s","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"child"}}""")))
                .containsExactly(new WorkflowStart("child", null));
        assertThat(new StartWorkflowHandler().workflowsStarted(task("""
                {"name":"s","taskReferenceName":"s","type":"START_WORKFLOW",
                 "inputParameters":{"startWorkflow":{"name":"other"}}}""")))
                .containsExactly(new WorkflowStart("other", null));
        assertThat(new NoopHandler().workflowsStarted(task("{\"name\":\"n\",\"taskReferenceName\":\"n\"}"))).isEmpty();
    }

    @Test
    void startWorkflowStartsTheRequestedWorkflowAndCompletesWithItsId() {
        FakeRun run = new FakeRun();
        Task start = added(run, "{\"name\":\"s\",\"taskReferenceName\":\"s\",\"type\":\"START_WORKFLOW\"}",
                map("{\"startWorkflow\":{\"name\":\"other\",\"input\":{\"a\":1}}}"));
        new StartWorkflowHandler().decide(run, start);
        assertThat(run.started).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("other");
            assertThat(r.input()).isEqualTo(Map.of("a", 1));
        });
        assertThat(start.getOutputData()).isEqualTo(Map.of("workflowId",
                java.util.UUID.nameUUIDFromBytes("other".getBytes()).toString()));
    }

    @Test
    void aLambdaWhoseScriptComesOutEmptyFailsRetryablyAsConductorsDoes() {
        FakeRun run = new FakeRun();
        Task lambda = added(run, "{\"name\":\"l\",\"taskReferenceName\":\"l\",\"type\":\"LAMBDA\"}",
                Map.of("scriptExpression", ""));
        new LambdaHandler(null).decide(run, lambda);
        assertThat(lambda.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(lambda.getReasonForIncompletion()).isEqualTo("Empty 'scriptExpression' in Lambda task's input "
                + "parameters. A non-empty String value must be provided.");
    }

    @Test
    void aLambdaWithoutAScriptIsRefusedAndItsScriptIsCheckedAsAFunctionBody() {
        FakeCheck check = new FakeCheck();
        assertThat(FakeCheck.refusedField(() -> new LambdaHandler(null).check(task(
                "{\"name\":\"l\",\"taskReferenceName\":\"l\",\"type\":\"LAMBDA\"}"), check)))
                .isEqualTo("tasks[0].inputParameters.scriptExpression");
        new LambdaHandler(null).check(task("""
                {"name":"l","taskReferenceName":"l","type":"LAMBDA",
                 "inputParameters":{"scriptExpression":"return 1;"}}"""),
                check);
        assertThat(check.scripts).containsExactly("tasks[0].inputParameters.scriptExpression");
    }
}
