package dev.baton.authz.api;

/** What a member of a team may do with the team's workflows and tasks. */
public enum Role {
    /** Manages the team's members, applications and grants. */
    TEAM_ADMIN,
    /** Registers and changes definitions. */
    AUTHOR,
    /** Starts, stops and repairs executions. */
    OPERATOR,
    /** Reads definitions and executions. */
    VIEWER,
    /** Polls and updates tasks. */
    WORKER
}
