package dev.baton.engine.api.definition;

import java.util.Set;

/** The task type names the engine knows, as they appear in a WorkflowTask's {@code type}. */
public final class TaskType {
    public static final String SIMPLE = "SIMPLE";
    public static final String SWITCH = "SWITCH";
    public static final String DECISION = "DECISION";
    public static final String FORK_JOIN = "FORK_JOIN";
    public static final String JOIN = "JOIN";
    public static final String FORK_JOIN_DYNAMIC = "FORK_JOIN_DYNAMIC";
    public static final String EXCLUSIVE_JOIN = "EXCLUSIVE_JOIN";
    public static final String DO_WHILE = "DO_WHILE";
    public static final String SUB_WORKFLOW = "SUB_WORKFLOW";
    public static final String START_WORKFLOW = "START_WORKFLOW";
    public static final String WAIT = "WAIT";
    public static final String HUMAN = "HUMAN";
    public static final String INLINE = "INLINE";
    public static final String TERMINATE = "TERMINATE";
    public static final String SET_VARIABLE = "SET_VARIABLE";
    public static final String JSON_JQ_TRANSFORM = "JSON_JQ_TRANSFORM";
    public static final String DYNAMIC = "DYNAMIC";

    /** Types that run inside the server; every other type is a worker task polled by name. */
    public static final Set<String> SYSTEM = Set.of(SWITCH, DECISION, FORK_JOIN, JOIN, FORK_JOIN_DYNAMIC,
            EXCLUSIVE_JOIN, DO_WHILE, SUB_WORKFLOW, START_WORKFLOW, WAIT, HUMAN, INLINE, TERMINATE, SET_VARIABLE,
            JSON_JQ_TRANSFORM, DYNAMIC);

    private TaskType() {}

    public static boolean isSystem(String type) {
        return SYSTEM.contains(type);
    }
}
