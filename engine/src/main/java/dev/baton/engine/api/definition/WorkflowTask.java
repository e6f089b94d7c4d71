package dev.baton.engine.api.definition;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** One task of a workflow definition, in Conductor's JSON shape; containers nest further tasks. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkflowTask(
        String name,
        String taskReferenceName,
        String description,
        Map<String, Object> inputParameters,
        String type,
        String dynamicTaskNameParam,
        String caseValueParam,
        String caseExpression,
        String scriptExpression,
        Map<String, List<WorkflowTask>> decisionCases,
        String dynamicForkTasksParam,
        String dynamicForkTasksInputParamName,
        List<WorkflowTask> defaultCase,
        List<List<WorkflowTask>> forkTasks,
        Integer startDelay,
        SubWorkflowParams subWorkflowParam,
        List<String> joinOn,
        String sink,
        Boolean optional,
        TaskDef taskDefinition,
        Boolean rateLimited,
        List<String> defaultExclusiveJoinTask,
        Boolean asyncComplete,
        String loopCondition,
        List<WorkflowTask> loopOver,
        Integer retryCount,
        String evaluatorType,
        String expression,
        CatalogRef catalog,
        Boolean permissive) {

    public WorkflowTask {
        inputParameters = inputParameters == null ? new LinkedHashMap<>() : inputParameters;
        decisionCases = decisionCases == null ? new LinkedHashMap<>() : decisionCases;
        defaultCase = defaultCase == null ? new ArrayList<>() : defaultCase;
        forkTasks = forkTasks == null ? new ArrayList<>() : forkTasks;
        joinOn = joinOn == null ? new ArrayList<>() : joinOn;
        defaultExclusiveJoinTask = defaultExclusiveJoinTask == null ? new ArrayList<>() : defaultExclusiveJoinTask;
        loopOver = loopOver == null ? new ArrayList<>() : loopOver;
    }

    /** The task type, SIMPLE when none is given. */
    @JsonIgnore
    public String typeOrSimple() {
        return type == null || type.isBlank() ? TaskType.SIMPLE : type;
    }

    public boolean optionalOrFalse() {
        return Boolean.TRUE.equals(optional);
    }

    /**
     * Conductor's permissive task: its failure does not end the workflow at once; the tasks after it (and the other
     * branches of its fork) run on, and the join, or the workflow's end, fails for it unless it is also optional.
     */
    public boolean permissiveOrFalse() {
        return Boolean.TRUE.equals(permissive);
    }

    /** Every task nested directly inside this one (branches, cases, loop body), in definition order. */
    @JsonIgnore
    public List<List<WorkflowTask>> children() {
        List<List<WorkflowTask>> lists = new ArrayList<>();
        lists.addAll(decisionCases.values());
        if (!defaultCase.isEmpty()) {
            lists.add(defaultCase);
        }
        lists.addAll(forkTasks);
        if (!loopOver.isEmpty()) {
            lists.add(loopOver);
        }
        return lists;
    }

    /** Visits this task and every task nested in it, depth first. */
    public void visit(Consumer<WorkflowTask> visitor) {
        visitor.accept(this);
        for (List<WorkflowTask> list : children()) {
            for (WorkflowTask child : list) {
                child.visit(visitor);
            }
        }
    }

    /** A copy with another reference name, input and join list: used for dynamic tasks and loop iterations. */
    public WorkflowTask with(String newRefName, Map<String, Object> newInput, List<String> newJoinOn, TaskDef def) {
        return new WorkflowTask(name, newRefName, description, newInput, type, dynamicTaskNameParam, caseValueParam,
                caseExpression, scriptExpression, decisionCases, dynamicForkTasksParam, dynamicForkTasksInputParamName,
                defaultCase, forkTasks, startDelay, subWorkflowParam, newJoinOn, sink, optional, def, rateLimited,
                defaultExclusiveJoinTask, asyncComplete, loopCondition, loopOver, retryCount, evaluatorType, expression,
                catalog, permissive);
    }

    /** A copy that refers to {@code ref} in the task catalog. */
    public WorkflowTask withCatalog(CatalogRef ref) {
        return new WorkflowTask(name, taskReferenceName, description, inputParameters, type, dynamicTaskNameParam,
                caseValueParam, caseExpression, scriptExpression, decisionCases, dynamicForkTasksParam,
                dynamicForkTasksInputParamName, defaultCase, forkTasks, startDelay, subWorkflowParam, joinOn, sink,
                optional, taskDefinition, rateLimited, defaultExclusiveJoinTask, asyncComplete, loopCondition, loopOver,
                retryCount, evaluatorType, expression, ref, permissive);
    }

    /** A plain task of {@code type} named {@code name}, as built for dynamic forks. */
    public static WorkflowTask of(String name, String refName, String type, Map<String, Object> input) {
        return new WorkflowTask(name, refName, null, input, type, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
