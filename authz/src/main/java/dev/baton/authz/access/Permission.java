package dev.baton.authz.access;

import dev.baton.authz.api.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a call needs: one of some roles in a team that owns the resource, or that was granted the access on it.
 * Tenant administrators hold every permission.
 */
public enum Permission {
    /** Read a definition. */
    READ_DEFINITION(Access.READ, EnumSet.of(Role.VIEWER, Role.AUTHOR, Role.OPERATOR, Role.WORKER, Role.TEAM_ADMIN)),
    /** Register, change or delete a definition. */
    CHANGE_DEFINITION(Access.UPDATE, EnumSet.of(Role.AUTHOR, Role.TEAM_ADMIN)),
    /** Read executions of a workflow. */
    READ_EXECUTIONS(Access.READ, EnumSet.of(Role.VIEWER, Role.AUTHOR, Role.OPERATOR, Role.TEAM_ADMIN)),
    /** Start, stop and repair executions of a workflow, and signal its waiting tasks. */
    OPERATE_EXECUTIONS(Access.EXECUTE, EnumSet.of(Role.OPERATOR, Role.TEAM_ADMIN)),
    /** Poll and update tasks of a task type. */
    WORK_TASKS(Access.EXECUTE, EnumSet.of(Role.WORKER, Role.TEAM_ADMIN));

    private final Access access;
    private final Set<Role> roles;

    Permission(Access access, Set<Role> roles) {
        this.access = access;
        this.roles = roles;
    }

    public Access access() {
        return access;
    }

    public Set<Role> roles() {
        return roles;
    }

    /** The permission as a refusal names it. */
    public String describe(ResourceType type, String name) {
        return name().toLowerCase().replace('_', ' ') + " on " + type.noun() + " '" + name + "' (needs the role "
                + roles.stream().map(Role::name).sorted().collect(Collectors.joining(" or ")) + " in a team that owns it"
                + " or was granted " + access + " on it)";
    }
}
