package dev.baton.authz.access;

/** The kinds of resource a team owns and grants access to. */
public enum ResourceType {
    WORKFLOW_DEF("workflow"), TASK_DEF("task type"), SECRET("secret"), CONNECTION("connection"),
    EVENT_HANDLER("event handler"), SCHEDULE("schedule"), LISTENER("status listener");

    private final String noun;

    ResourceType(String noun) {
        this.noun = noun;
    }

    /** How a refusal names this kind of resource. */
    public String noun() {
        return noun;
    }
}
