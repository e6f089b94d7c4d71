package dev.baton.engine.internal.tasks;

import static dev.baton.engine.internal.tasks.FakeRun.map;
import static dev.baton.engine.internal.tasks.FakeRun.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.tasks.FakeRun.Scheduled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fork, join, dynamic fork, exclusive join, dynamic and loop handlers, each on its own. */
class ControlFlowHandlersTest {

    private static final WorkflowTask LOOP = task("""
            {"name":"l","taskReferenceName":"l","type":"DO_WHILE",
             "loopOver":[{"name":"b","taskReferenceName":"b"}]}""");

    private static final WorkflowTask FORK = task("""
            {"name":"f","taskReferenceName":"f","type":"FORK_JOIN",
             "forkTasks":[[{"name":"a1","taskReferenceName":"a1"},{"name":"a2","taskReferenceName":"a2"}],
                          [{"name":"b1","taskReferenceName":"b1"}]]}""");

    @Test
    void aForkCompletesAtOnceAndSchedulesTheFirstTaskOfEveryBranch() {
        FakeRun run = new FakeRun();
        new ForkJoinHandler().schedule(run, FORK, map("{}"), 2);
        assertThat(run.workflow.getTasks()).singleElement().satisfies(t -> {
            assertThat(t.getTaskType()).isEqualTo("FORK_JOIN");
            assertThat(t.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        });
        assertThat(run.scheduled).containsExactly(new Scheduled("a1", null, 2), new Scheduled("b1", null, 2));
    }

    @Test
    void aForkWithoutAJoinAfterItIsRefused() {
        FakeCheck check = new FakeCheck();
        assertThat(FakeCheck.refusedField(() -> new ForkJoinHandler().check(FORK, check))).isEqualTo("tasks[0]");
        check.next = task("{\"name\":\"j\",\"taskReferenceName\":\"j\",\"type\":\"JOIN\"}");
        new ForkJoinHandler().check(FORK, check);
        assertThat(check.walked).containsExactly("tasks[0].forkTasks[0]", "tasks[0].forkTasks[1]");
    }

    @Test
    void aJoinWithoutJoinOnJoinsTheLastTaskOfEachBranchOfTheForkBeforeIt() {
        FakeRun run = new FakeRun();
        WorkflowTask join = task("{\"name\":\"j\",\"taskReferenceName\":\"j\",\"type\":\"JOIN\"}");
        run.previous.put("j", FORK);
        new JoinHandler().schedule(run, join, new java.util.LinkedHashMap<>(), 0);
        assertThat(run.workflow.getTasks().get(0).getInputData()).isEqualTo(Map.of("joinOn", List.of("a2", "b1")));
    }

    @Test
    void aJoinWaitsForEveryJoinedTaskAndThenMapsEachToItsOutput() {
        FakeRun run = new FakeRun();
        Task a2 = run.existing("a2", TaskStatus.COMPLETED, Map.of("x", 1));
        Task b1 = run.existing("b1", TaskStatus.IN_PROGRESS, Map.of());
        Task join = run.add(task("{\"name\":\"j\",\"taskReferenceName\":\"j\",\"type\":\"JOIN\"}"), "JOIN",
                new java.util.LinkedHashMap<>(Map.of("joinOn", List.of("a2", "b1"))), 0);
        JoinHandler handler = new JoinHandler();
        assertThat(handler.decide(run, join)).as("it starts waiting").isTrue();
        assertThat(join.getStatus()).isEqualTo(TaskStatus.IN_PROGRESS);
        assertThat(handler.decide(run, join)).as("and waits").isFalse();
        b1.setStatus(TaskStatus.COMPLETED);
        b1.setOutputData(new java.util.LinkedHashMap<>(Map.of("y", 2)));
        assertThat(handler.decide(run, join)).isTrue();
        assertThat(join.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(join.getOutputData()).isEqualTo(Map.of("a2", Map.of("x", 1), "b1", Map.of("y", 2)));
        assertThat(a2.getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void aJoinOnATaskThatDoesNotRunBeforeItIsRefused() {
        WorkflowTask join = task("""
                {"name":"j","taskReferenceName":"j","type":"JOIN","joinOn":["a","zz"]}""");
        FakeCheck check = new FakeCheck();
        check.before.add("a");
        assertThat(FakeCheck.refusedField(() -> new JoinHandler().check(join, check))).isEqualTo("tasks[0].joinOn[1]");
    }

    @Test
    void aDynamicForkByTaskNameSchedulesOneBranchPerInputAndRecordsThem() {
        FakeRun run = new FakeRun();
        WorkflowTask fork = task("{\"name\":\"df\",\"taskReferenceName\":\"df\",\"type\":\"FORK_JOIN_DYNAMIC\"}");
        new DynamicForkHandler().schedule(run, fork, map("{\"forkTaskName\":\"w\",\"forkTaskInputs\":[{\"n\":1},7]}"),
                0);
        Task forkTask = run.workflow.getTasks().get(0);
        assertThat(forkTask.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(forkTask.getOutputData()).isEqualTo(Map.of("forkedTasks", List.of("w_0", "w_1")));
        assertThat(run.scheduled).extracting(Scheduled::ref).containsExactly("w_0", "w_1");
    }

    @Test
    void aDynamicForkWiderThanTheLimitFailsForGoodWithoutSchedulingAnything() {
        FakeRun run = new FakeRun();
        run.limits = new EngineLimits(1000, 1000, 1, 1000, 10, 4096);
        WorkflowTask fork = task("{\"name\":\"df\",\"taskReferenceName\":\"df\",\"type\":\"FORK_JOIN_DYNAMIC\"}");
        new DynamicForkHandler().schedule(run, fork, map("{\"forkTaskName\":\"w\",\"forkTaskInputs\":[1,2]}"), 0);
        assertThat(run.workflow.getTasks().get(0).getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(run.workflow.getTasks().get(0).getReasonForIncompletion())
                .isEqualTo("cannot fork: 2 branches; at most 1 are allowed (baton.engine.limits.dynamic-fork-fan-out)");
        assertThat(run.scheduled).isEmpty();
    }

    @Test
    void anExclusiveJoinTakesTheOutputOfTheBranchThatRan() {
        FakeRun run = new FakeRun();
        run.existing("yes", TaskStatus.COMPLETED, Map.of("v", "from yes"));
        Task join = run.add(task("""
                {"name":"x","taskReferenceName":"x","type":"EXCLUSIVE_JOIN","joinOn":["no","yes"]}"""),
                "EXCLUSIVE_JOIN", new java.util.LinkedHashMap<>(), 0);
        assertThat(new ExclusiveJoinHandler().decide(run, join)).isTrue();
        assertThat(join.getOutputData()).isEqualTo(Map.of("v", "from yes"));
    }

    @Test
    void aDynamicTaskRunsAsTheTypeOrTaskItsInputNamesAndFailsWithoutOne() {
        WorkflowTask dynamic = task("""
                {"name":"d","taskReferenceName":"d","type":"DYNAMIC","dynamicTaskNameParam":"which"}""");
        FakeRun run = new FakeRun();
        new DynamicHandler().schedule(run, dynamic, map("{\"which\":\"resize_image\"}"), 0);
        assertThat(run.scheduled).containsExactly(new Scheduled("d", "resize_image", 0));
        FakeRun without = new FakeRun();
        new DynamicHandler().schedule(without, dynamic, map("{\"which\":\"\"}"), 0);
        assertThat(without.workflow.getTasks().get(0).getReasonForIncompletion())
                .isEqualTo("input 'which' of a DYNAMIC task must hold the name of the task to run");
    }

    @Test
    void aLoopOverEmptyItemsCompletesWithoutRunningItsBody() {
        FakeRun run = new FakeRun();
        WorkflowTask loop = LOOP;
        new DoWhileHandler(null).schedule(run, loop, map("{\"items\":[]}"), 0);
        assertThat(run.workflow.getTasks().get(0).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(run.workflow.getTasks().get(0).getOutputData()).isEqualTo(Map.of("iteration", 0));
        assertThat(run.scheduled).isEmpty();
    }

    @Test
    void aLoopOverItemsRunsOneIterationPerItemAndRecordsEachIterationsOutputs() {
        FakeRun run = new FakeRun();
        WorkflowTask loop = LOOP;
        run.loops.put("b", loop);
        DoWhileHandler handler = new DoWhileHandler(null);
        handler.schedule(run, loop, map("{\"items\":[\"x\",\"y\"]}"), 0);
        Task loopTask = run.workflow.getTasks().get(0);
        assertThat(loopTask.getOutputData()).isEqualTo(Map.of("iteration", 1, "index", 0, "item", "x"));
        for (int iteration = 1; iteration <= 2; iteration++) {
            Task body = run.add(task("{\"name\":\"b\",\"taskReferenceName\":\"b\"}"), "SIMPLE",
                    new java.util.LinkedHashMap<>(), iteration);
            assertThat(handler.decide(run, loopTask)).as("body still running").isFalse();
            body.setStatus(TaskStatus.COMPLETED);
            body.setExecuted(true);
            body.setOutputData(new java.util.LinkedHashMap<>(Map.of("n", iteration)));
            assertThat(handler.decide(run, loopTask)).isTrue();
        }
        assertThat(loopTask.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(loopTask.getOutputData()).containsEntry("1", Map.of("b", Map.of("n", 1)))
                .containsEntry("2", Map.of("b", Map.of("n", 2)));
        assertThat(run.scheduled).containsExactly(new Scheduled("b", null, 1), new Scheduled("b", null, 2));
    }

    @Test
    void aLoopInsideALoopOrWithoutConditionOrItemsIsRefused() {
        WorkflowTask loop = LOOP;
        assertThat(FakeCheck.refusedField(() -> new DoWhileHandler(null).check(loop, new FakeCheck())))
                .isEqualTo("tasks[0].loopCondition");
        FakeCheck nested = new FakeCheck();
        nested.inLoop = true;
        assertThat(FakeCheck.refusedField(() -> new DoWhileHandler(null).check(loop, nested)))
                .isEqualTo("tasks[0].type");
    }
}
