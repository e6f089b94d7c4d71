package dev.baton.console.pages;

import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The signed-in person as the templates see them: who they are and which controls to draw. Drawing is only a
 * courtesy; the API checks every call again.
 */
public final class Me {

    private final Caller caller;
    private final AccessPolicy policy;

    Me(Caller caller, AccessPolicy policy) {
        this.caller = caller;
        this.policy = policy;
    }

    public String name() {
        return caller.name();
    }

    public String tenant() {
        return caller.tenant().value();
    }

    public boolean tenantAdmin() {
        return caller.tenantAdmin();
    }

    public boolean platformOperator() {
        return caller.platformOperator();
    }

    public Map<String, Set<Role>> teams() {
        return caller.teams();
    }

    /** The teams whose definitions this person may register. */
    public List<String> authoringTeams() {
        return caller.teamsWithAnyOf(Set.of(Role.AUTHOR, Role.TEAM_ADMIN));
    }

    public boolean canAuthor() {
        return caller.tenantAdmin() || !authoringTeams().isEmpty();
    }

    /** Whether this person administers some team (or the tenant). */
    public boolean canAdministerTeams() {
        return caller.tenantAdmin() || !caller.teamsWithAnyOf(Set.of(Role.TEAM_ADMIN)).isEmpty();
    }

    public boolean isTeamAdmin(String team) {
        return caller.has(team, Role.TEAM_ADMIN);
    }

    public boolean canChange(String workflow) {
        return policy.allows(caller, Permission.CHANGE_DEFINITION, ResourceType.WORKFLOW_DEF, workflow);
    }

    public boolean canOperate(String workflow) {
        return policy.allows(caller, Permission.OPERATE_EXECUTIONS, ResourceType.WORKFLOW_DEF, workflow);
    }

    /** Whether this person may operate executions of any workflow (bulk actions). */
    public boolean canOperateAny() {
        return caller.tenantAdmin() || !caller.teamsWithAnyOf(Set.of(Role.OPERATOR, Role.TEAM_ADMIN)).isEmpty();
    }

    public String owner(String workflow) {
        return policy.owner(caller.tenant(), ResourceType.WORKFLOW_DEF, workflow).orElse(null);
    }

    /** The owning team of every workflow definition that has one, for a list. */
    public Map<String, String> owners() {
        return policy.owners(caller.tenant(), ResourceType.WORKFLOW_DEF);
    }
}
