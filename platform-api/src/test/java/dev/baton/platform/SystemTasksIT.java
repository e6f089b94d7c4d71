package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every system task type, each run in a real workflow to its end state. */
class SystemTasksIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(10);

    @Test
    void switchWithValueParamRunsTheMatchingCaseAndThenTheTaskAfterTheSwitch() {
        String name = unique("switch_vp");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"sw","taskReferenceName":"sw","type":"SWITCH","evaluatorType":"value-param","expression":"kind",
                   "inputParameters":{"kind":"${workflow.input.kind}"},
                   "decisionCases":{"a":[{"name":"set_a","taskReferenceName":"set_a","type":"SET_VARIABLE","inputParameters":{"picked":"a"}}],
                                    "b":[{"name":"set_b","taskReferenceName":"set_b","type":"SET_VARIABLE","inputParameters":{"picked":"b"}}]},
                   "defaultCase":[{"name":"set_d","taskReferenceName":"set_d","type":"SET_VARIABLE","inputParameters":{"picked":"default"}}]},
                  {"name":"after","taskReferenceName":"after","type":"INLINE",
                   "inputParameters":{"evaluatorType":"javascript","p":"${workflow.variables.picked}","expression":"'after ' + $.p"}}],
                 "outputParameters":{"r":"${after.output.result}"}}""".formatted(name));
        Workflow b = awaitStatus(start(name, Map.of("kind", "b")), WorkflowStatus.COMPLETED, SHORT);
        assertThat(b.getOutput()).isEqualTo(Map.of("r", "after b"));
        assertThat(b.getTasks()).extracting(Task::getReferenceTaskName).containsExactly("sw", "set_b", "after");
        Workflow other = awaitStatus(start(name, Map.of("kind", "zzz")), WorkflowStatus.COMPLETED, SHORT);
        assertThat(other.getOutput()).isEqualTo(Map.of("r", "after default"));
        assertThat(taskByRef(other, "sw").getOutputData().get("evaluationResult")).isEqualTo(List.of("zzz"));
    }

    @Test
    void lambdaRunsItsScriptExpressionAsAFunctionBodyAndNoopCompletesWithNoOutput() {
        String name = unique("lambda");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"nothing","taskReferenceName":"nothing","type":"NOOP"},
                  {"name":"l","taskReferenceName":"l","type":"LAMBDA",
                   "inputParameters":{"n":"${workflow.input.n}",
                     "scriptExpression":"if ($.n > 2) { return {big: true, n: $.n}; } return {big: false};"}}],
                 "outputParameters":{"r":"${l.output.result}"}}""".formatted(name));
        Workflow w = awaitStatus(start(name, Map.of("n", 5)), WorkflowStatus.COMPLETED, SHORT);
        assertThat(w.getOutput()).isEqualTo(Map.of("r", Map.of("big", true, "n", 5)));
        assertThat(taskByRef(w, "nothing").getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(taskByRef(w, "nothing").getOutputData()).isEmpty();
        Workflow small = awaitStatus(start(name, Map.of("n", 1)), WorkflowStatus.COMPLETED, SHORT);
        assertThat(small.getOutput()).isEqualTo(Map.of("r", Map.of("big", false)));
    }

    @Test
    void aLambdaThatThrowsFailsWithTheErrorInItsOutputAsConductorsDoes() {
        String name = unique("lambda_throws");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"l","taskReferenceName":"l","type":"LAMBDA",
                  "inputParameters":{"scriptExpression":"throw new Error('no stock for ' + $.sku);","sku":"A-1"}}]}"""
                .formatted(name));
        Task l = taskByRef(awaitStatus(start(name, Map.of()), WorkflowStatus.FAILED, SHORT), "l");
        assertThat(l.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(l.getReasonForIncompletion()).contains("no stock for A-1");
        assertThat(String.valueOf(l.getOutputData().get("error"))).contains("no stock for A-1");
    }

    @Test
    void aLambdaWithoutScriptOrWithMalformedScriptIsRefusedNamingTheField() {
        for (String input : List.of("{}", "{\"scriptExpression\":\"return (;\"}")) {
            String json = """
                    {"name":"%s","tasks":[{"name":"l","taskReferenceName":"l","type":"LAMBDA","inputParameters":%s}]}"""
                    .formatted(unique("bad_lambda"), input);
            assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
                    dev.baton.engine.api.EngineException.class, () -> registerWorkflow(json)).field())
                    .isEqualTo("[0].tasks[0].inputParameters.scriptExpression");
        }
    }

    @Test
    void switchWithJavascriptAndLegacyDecisionBothSelectTheirCase() {
        String name = unique("switch_js");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"sw","taskReferenceName":"sw","type":"SWITCH","evaluatorType":"javascript",
                   "expression":"$.n > 10 ? 'big' : 'small'","inputParameters":{"n":"${workflow.input.n}"},
                   "decisionCases":{"big":[{"name":"v1","taskReferenceName":"v1","type":"SET_VARIABLE","inputParameters":{"size":"big"}}],
                                    "small":[{"name":"v2","taskReferenceName":"v2","type":"SET_VARIABLE","inputParameters":{"size":"small"}}]}},
                  {"name":"dec","taskReferenceName":"dec","type":"DECISION","caseValueParam":"s",
                   "inputParameters":{"s":"${workflow.variables.size}"},
                   "decisionCases":{"big":[{"name":"t","taskReferenceName":"t","type":"TERMINATE",
                      "inputParameters":{"terminationStatus":"COMPLETED","workflowOutput":{"end":"big path"}}}]}},
                  {"name":"v3","taskReferenceName":"v3","type":"SET_VARIABLE","inputParameters":{"end":"small path"}}],
                 "outputParameters":{"end":"${workflow.variables.end}"}}""".formatted(name));
        assertThat(awaitStatus(start(name, Map.of("n", 50)), WorkflowStatus.COMPLETED, SHORT).getOutput())
                .isEqualTo(Map.of("end", "big path"));
        assertThat(awaitStatus(start(name, Map.of("n", 2)), WorkflowStatus.COMPLETED, SHORT).getOutput())
                .isEqualTo(Map.of("end", "small path"));
    }

    @Test
    void forkJoinWaitsForEveryBranchAndJoinsTheirOutputs() {
        String worker = unique("fork_worker");
        registerTask(worker, "\"retryCount\":0");
        String name = unique("fork");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[
                    [{"name":"%s","taskReferenceName":"left"}],
                    [{"name":"r1","taskReferenceName":"right","type":"INLINE","inputParameters":{"evaluatorType":"javascript","expression":"21*2"}}]]},
                  {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["left","right"]}],
                 "outputParameters":{"left":"${join.output.left.v}","right":"${join.output.right.result}"}}""".formatted(name, worker));
        UUID id = start(name, Map.of());
        assertThat(workflow(id).getStatus()).isEqualTo(WorkflowStatus.RUNNING);
        assertThat(taskByRef(workflow(id), "join").getStatus()).as("waiting, as Conductor's join")
                .isEqualTo(TaskStatus.IN_PROGRESS);
        complete(poll(worker), Map.of("v", "L"));
        Workflow w = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(w.getOutput()).isEqualTo(Map.of("left", "L", "right", 42));
    }

    @Test
    void dynamicForkRunsOneTaskPerListedInputAndTheJoinWaitsForAllOfThem() {
        String worker = unique("dyn_worker");
        registerTask(worker, "\"retryCount\":0");
        String name = unique("dynfork");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"df","taskReferenceName":"df","type":"FORK_JOIN_DYNAMIC",
                   "inputParameters":{"forkTaskName":"%s","forkTaskInputs":"${workflow.input.items}"}},
                  {"name":"join","taskReferenceName":"join","type":"JOIN"}]}""".formatted(name, worker));
        UUID id = start(name, Map.of("items", List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3))));
        for (int i = 0; i < 3; i++) {
            Task t = poll(worker);
            complete(t, Map.of("doubled", ((Number) t.getInputData().get("n")).intValue() * 2));
        }
        Workflow w = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        Map<String, Object> joined = taskByRef(w, "join").getOutputData();
        assertThat(joined).containsOnlyKeys(worker + "_0", worker + "_1", worker + "_2");
        assertThat(joined.get(worker + "_2")).isEqualTo(Map.of("doubled", 6));
    }

    @Test
    void classicDynamicForkTakesTasksAndInputsFromParameters() {
        String name = unique("dynfork_classic");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"df","taskReferenceName":"df","type":"FORK_JOIN_DYNAMIC",
                   "dynamicForkTasksParam":"tasks","dynamicForkTasksInputParamName":"inputs",
                   "inputParameters":{"tasks":"${workflow.input.tasks}","inputs":"${workflow.input.inputs}"}},
                  {"name":"join","taskReferenceName":"join","type":"JOIN"}]}""".formatted(name));
        UUID id = start(name, Map.of(
                "tasks", List.of(
                        Map.of("name", "a", "taskReferenceName", "a", "type", "INLINE"),
                        Map.of("name", "b", "taskReferenceName", "b", "type", "INLINE")),
                "inputs", Map.of(
                        "a", Map.of("evaluatorType", "javascript", "expression", "'A'"),
                        "b", Map.of("evaluatorType", "javascript", "expression", "'B'"))));
        Workflow w = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(taskByRef(w, "join").getOutputData())
                .isEqualTo(Map.of("a", Map.of("result", "A"), "b", Map.of("result", "B")));
    }

    @Test
    void exclusiveJoinTakesTheOutputOfTheBranchThatRan() {
        String name = unique("xjoin");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"sw","taskReferenceName":"sw","type":"SWITCH","evaluatorType":"value-param","expression":"k",
                   "inputParameters":{"k":"${workflow.input.k}"},
                   "decisionCases":{"x":[{"name":"x1","taskReferenceName":"x1","type":"INLINE","inputParameters":{"evaluatorType":"javascript","expression":"'from x'"}}],
                                    "y":[{"name":"y1","taskReferenceName":"y1","type":"INLINE","inputParameters":{"evaluatorType":"javascript","expression":"'from y'"}}]}},
                  {"name":"xj","taskReferenceName":"xj","type":"EXCLUSIVE_JOIN","joinOn":["x1","y1"]}],
                 "outputParameters":{"r":"${xj.output.result}"}}""".formatted(name));
        assertThat(awaitStatus(start(name, Map.of("k", "y")), WorkflowStatus.COMPLETED, SHORT).getOutput())
                .isEqualTo(Map.of("r", "from y"));
    }

    @Test
    void doWhileRepeatsItsBodyWhileTheConditionHoldsAndRecordsEachIteration() {
        String name = unique("loop");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","inputParameters":{"times":"${workflow.input.times}"},
                   "loopCondition":"$.loop['iteration'] < $.times",
                   "loopOver":[{"name":"sq","taskReferenceName":"sq","type":"INLINE",
                     "inputParameters":{"evaluatorType":"javascript","i":"${loop.output.iteration}","expression":"$.i * $.i"}}]}]}""".formatted(name));
        Workflow w = awaitStatus(start(name, Map.of("times", 3)), WorkflowStatus.COMPLETED, SHORT);
        assertThat(w.getTasks()).extracting(Task::getReferenceTaskName).containsExactly("loop", "sq__1", "sq__2", "sq__3");
        Map<String, Object> loopOut = taskByRef(w, "loop").getOutputData();
        assertThat(loopOut.get("iteration")).isEqualTo(3);
        assertThat(loopOut.get("3")).isEqualTo(Map.of("sq", Map.of("result", 9)));
    }

    @Test
    void doWhileOverItemsRunsOnceForEachItem() {
        String worker = unique("item_worker");
        registerTask(worker, "\"retryCount\":0");
        String name = unique("loop_items");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","inputParameters":{"items":"${workflow.input.items}"},
                   "loopOver":[{"name":"%s","taskReferenceName":"each","inputParameters":{"item":"${loop.output.item}"}}]}]}""".formatted(name, worker));
        UUID id = start(name, Map.of("items", List.of("a", "b")));
        Task first = poll(worker);
        assertThat(first.getInputData()).isEqualTo(Map.of("item", "a"));
        assertThat(first.getReferenceTaskName()).isEqualTo("each__1");
        complete(first, Map.of("seen", "a"));
        Task second = poll(worker);
        assertThat(second.getInputData()).isEqualTo(Map.of("item", "b"));
        complete(second, Map.of("seen", "b"));
        Workflow w = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(taskByRef(w, "loop").getOutputData().get("2")).isEqualTo(Map.of("each", Map.of("seen", "b")));
    }

    @Test
    void subWorkflowRunsAChildAndTakesItsOutput() {
        String worker = unique("child_worker");
        registerTask(worker, "\"retryCount\":0");
        String child = unique("child");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"%s","taskReferenceName":"w","inputParameters":{"x":"${workflow.input.x}"}}],
                 "outputParameters":{"y":"${w.output.y}"}}""".formatted(child, worker));
        String parent = unique("parent");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"sub","taskReferenceName":"sub","type":"SUB_WORKFLOW",
                  "subWorkflowParam":{"name":"%s"},"inputParameters":{"x":"${workflow.input.x}"}}],
                 "outputParameters":{"y":"${sub.output.y}"}}""".formatted(parent, child));
        UUID id = start(parent, Map.of("x", 5));
        Task t = poll(worker);
        assertThat(t.getInputData()).isEqualTo(Map.of("x", 5));
        Workflow childRun = workflow(t.getWorkflowInstanceId());
        assertThat(childRun.getParentWorkflowId()).isEqualTo(id);
        complete(t, Map.of("y", 10));
        assertThat(awaitStatus(id, WorkflowStatus.COMPLETED, SHORT).getOutput()).isEqualTo(Map.of("y", 10));
    }

    @Test
    void startWorkflowStartsAnIndependentWorkflowAndCompletesAtOnce() {
        String target = unique("target");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}""".formatted(target));
        String name = unique("starter");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"s","taskReferenceName":"s","type":"START_WORKFLOW",
                  "inputParameters":{"startWorkflow":{"name":"%s","input":{"a":1}}}}]}""".formatted(name, target));
        Workflow w = awaitStatus(start(name, Map.of()), WorkflowStatus.COMPLETED, SHORT);
        UUID started = UUID.fromString((String) taskByRef(w, "s").getOutputData().get("workflowId"));
        Workflow other = workflow(started);
        assertThat(other.getStatus()).isEqualTo(WorkflowStatus.RUNNING);
        assertThat(other.getInput()).isEqualTo(Map.of("a", 1));
        assertThat(other.getParentWorkflowId()).isNull();
    }

    @Test
    void waitWithADurationEndsByItselfAndHumanWaitsForASignal() {
        String name = unique("waits");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"pause","taskReferenceName":"pause","type":"WAIT","inputParameters":{"duration":"1s"}},
                  {"name":"approve","taskReferenceName":"approve","type":"HUMAN"}],
                 "outputParameters":{"ok":"${approve.output.approved}"}}""".formatted(name));
        UUID id = start(name, Map.of());
        assertThat(taskByRef(workflow(id), "pause").getStatus()).isEqualTo(TaskStatus.IN_PROGRESS);
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (workflow(id).getTasks().size() < 3 && System.nanoTime() < deadline) {
            sleep(50);
        }
        Workflow waiting = workflow(id);
        assertThat(taskByRef(waiting, "pause").getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(taskByRef(waiting, "approve").getStatus()).isEqualTo(TaskStatus.IN_PROGRESS);
        tasks.updateByReferenceName(TENANT, id, "approve", TaskStatus.COMPLETED, Map.of("approved", true), "alice");
        assertThat(awaitStatus(id, WorkflowStatus.COMPLETED, SHORT).getOutput()).isEqualTo(Map.of("ok", true));
    }

    @Test
    void waitUntilATimeInThePastEndsAtOnceAndWaitWithoutInputNeedsASignal() {
        String name = unique("wait_until");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"until","taskReferenceName":"until","type":"WAIT","inputParameters":{"until":"2020-01-01 00:00 UTC"}},
                  {"name":"signal","taskReferenceName":"signal","type":"WAIT"}]}""".formatted(name));
        UUID id = start(name, Map.of());
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (workflow(id).getTasks().size() < 2 && System.nanoTime() < deadline) {
            sleep(20);
        }
        tasks.updateByReferenceName(TENANT, id, "signal", TaskStatus.COMPLETED, Map.of("by", "api"), null);
        assertThat(awaitStatus(id, WorkflowStatus.COMPLETED, SHORT).getOutput()).isEqualTo(Map.of("by", "api"));
    }

    @Test
    void inlineRunsJavascriptButCannotReachTheHost() {
        String name = unique("inline");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"calc","taskReferenceName":"calc","type":"INLINE","inputParameters":{"evaluatorType":"javascript",
                   "xs":"${workflow.input.xs}","expression":"function sum(){ var s = 0; for (var x of $.xs) s += x; return {sum: s}; } sum();"}},
                  {"name":"escape","taskReferenceName":"escape","type":"INLINE","optional":true,"inputParameters":{"evaluatorType":"javascript",
                   "expression":"Java.type('java.lang.System').exit(1)"}}],
                 "outputParameters":{"sum":"${calc.output.result.sum}"}}""".formatted(name));
        Workflow w = awaitStatus(start(name, Map.of("xs", List.of(1, 2, 3))), WorkflowStatus.COMPLETED, SHORT);
        assertThat(w.getOutput()).isEqualTo(Map.of("sum", 6));
        Task escape = taskByRef(w, "escape");
        assertThat(escape.getStatus()).isEqualTo(TaskStatus.COMPLETED_WITH_ERRORS);
        assertThat(escape.getReasonForIncompletion()).startsWith("script failed:");
    }

    @Test
    void inlineScriptThatNeverEndsIsStoppedAndFailsTheTask() {
        String name = unique("inline_loop");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"spin","taskReferenceName":"spin","type":"INLINE",
                  "inputParameters":{"evaluatorType":"javascript","expression":"while (true) {}"}}]}""".formatted(name));
        Workflow w = awaitStatus(start(name, Map.of()), WorkflowStatus.FAILED, SHORT);
        assertThat(taskByRef(w, "spin").getReasonForIncompletion()).isEqualTo("script failed: script ran longer than 2000 ms");
    }

    @Test
    void jsonJqTransformAppliesTheQueryToItsInputs() {
        String name = unique("jq");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"jq","taskReferenceName":"jq","type":"JSON_JQ_TRANSFORM",
                  "inputParameters":{"people":"${workflow.input.people}","queryExpression":"[.people[] | select(.age > 30) | .name]"}}],
                 "outputParameters":{"names":"${jq.output.result}"}}""".formatted(name));
        Workflow w = awaitStatus(start(name, Map.of("people", List.of(Map.of("name", "ann", "age", 40),
                Map.of("name", "bob", "age", 20), Map.of("name", "cy", "age", 33)))), WorkflowStatus.COMPLETED, SHORT);
        assertThat(w.getOutput()).isEqualTo(Map.of("names", List.of("ann", "cy")));
    }

    @Test
    void setVariableAndTerminateShapeTheWorkflowOutcome() {
        String name = unique("terminate");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"v","taskReferenceName":"v","type":"SET_VARIABLE","inputParameters":{"stage":"checked"}},
                  {"name":"t","taskReferenceName":"t","type":"TERMINATE","inputParameters":{"terminationStatus":"FAILED",
                    "terminationReason":"stage ${workflow.variables.stage}","workflowOutput":{"why":"stopped"}}},
                  {"name":"never","taskReferenceName":"never","type":"SET_VARIABLE","inputParameters":{"x":1}}]}""".formatted(name));
        Workflow w = awaitStatus(start(name, Map.of()), WorkflowStatus.FAILED, SHORT);
        assertThat(w.getReasonForIncompletion()).isEqualTo("stage checked");
        assertThat(w.getVariables()).isEqualTo(Map.of("stage", "checked"));
        assertThat(w.getTasks()).extracting(Task::getReferenceTaskName).containsExactly("v", "t");
    }

    @Test
    void dynamicTaskRunsTheWorkerTaskNamedByItsInput() {
        String worker = unique("dyn_target");
        registerTask(worker, "\"retryCount\":0");
        String name = unique("dynamic");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"d","taskReferenceName":"d","type":"DYNAMIC","dynamicTaskNameParam":"which",
                  "inputParameters":{"which":"${workflow.input.which}","v":1}}]}""".formatted(name));
        UUID id = start(name, Map.of("which", worker));
        Task t = poll(worker);
        assertThat(t.getTaskDefName()).isEqualTo(worker);
        assertThat(t.getReferenceTaskName()).isEqualTo("d");
        complete(t, Map.of("done", true));
        assertThat(awaitStatus(id, WorkflowStatus.COMPLETED, SHORT).getOutput()).isEqualTo(Map.of("done", true));
    }
}
