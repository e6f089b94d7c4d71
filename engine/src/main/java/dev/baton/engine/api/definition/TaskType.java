package dev.baton.engine.api.definition;

/** Names of the engine's own task types as a WorkflowTask's {@code type} spells them; only their handlers use them. */
public final class TaskType {
    public static final String SIMPLE = name("SIMPLE");
    public static final String SWITCH = name("SWITCH");
    public static final String DECISION = name("DECISION");
    public static final String FORK_JOIN = name("FORK_JOIN");
    public static final String JOIN = name("JOIN");
    public static final String FORK_JOIN_DYNAMIC = name("FORK_JOIN_DYNAMIC");
    public static final String EXCLUSIVE_JOIN = name("EXCLUSIVE_JOIN");
    public static final String DO_WHILE = name("DO_WHILE");
    public static final String SUB_WORKFLOW = name("SUB_WORKFLOW");
    public static final String START_WORKFLOW = name("START_WORKFLOW");
    public static final String WAIT = name("WAIT");
    public static final String HUMAN = name("HUMAN");
    public static final String INLINE = name("INLINE");
    public static final String TERMINATE = name("TERMINATE");
    public static final String SET_VARIABLE = name("SET_VARIABLE");
    public static final String JSON_JQ_TRANSFORM = name("JSON_JQ_TRANSFORM");
    public static final String DYNAMIC = name("DYNAMIC");

    private TaskType() {}

    /**
     * Not compile-time constants on purpose: they cannot label a {@code switch}, and every use stays visible to the
     * architecture test that keeps type names in the task handlers.
     */
    private static String name(String type) {
        return type;
    }
}
