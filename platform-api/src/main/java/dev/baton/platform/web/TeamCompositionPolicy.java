package dev.baton.platform.web;

import dev.baton.authz.access.Access;
import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.CompositionPolicy;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Team boundaries through composition: an execution runs for a team (its definition's owner, or the caller of an
 * inline start), and may start only workflows and queue only task types that team owns or was granted EXECUTE on.
 *
 * <p>Asked on the engine's hot path (every queued worker task), so ownership is remembered for
 * {@link #REMEMBER_FOR}; a changed grant or owner takes effect within that time.
 */
@Component
public final class TeamCompositionPolicy implements CompositionPolicy {

    static final Duration REMEMBER_FOR = Duration.ofSeconds(5);
    private static final int MAX_REMEMBERED = 50_000;

    private record Key(TenantId tenant, ResourceType type, String name) {}

    private record Remembered(AccessPolicy.Standings standings, long at) {}

    private final AccessPolicy access;
    private final Duration rememberFor;
    private final Map<Key, Remembered> remembered = new ConcurrentHashMap<>();

    @Autowired
    public TeamCompositionPolicy(AccessPolicy access) {
        this(access, REMEMBER_FOR);
    }

    private TeamCompositionPolicy(AccessPolicy access, Duration rememberFor) {
        this.access = access;
        this.rememberFor = rememberFor;
    }

    /** The same policy reading ownership afresh: for checks at registration, right after a grant changed. */
    TeamCompositionPolicy fresh() {
        return new TeamCompositionPolicy(access, Duration.ZERO);
    }

    @Override
    public Optional<String> ownerOf(TenantId tenant, String workflowName) {
        return standings(tenant, ResourceType.WORKFLOW_DEF, workflowName).owner();
    }

    @Override
    public Optional<String> refuseStart(TenantId tenant, String team, String workflowName, boolean inline) {
        AccessPolicy.Standings s = standings(tenant, ResourceType.WORKFLOW_DEF, workflowName);
        if (inline) {
            return s.owner().filter(owner -> !owner.equals(team)).map(owner -> "an inline definition may not take the"
                    + " name of workflow '" + workflowName + "', which team '" + owner + "' owns");
        }
        return s.refusal(team, Access.EXECUTE, ResourceType.WORKFLOW_DEF, workflowName);
    }

    @Override
    public Optional<String> refuseTask(TenantId tenant, String team, String taskType) {
        return standings(tenant, ResourceType.TASK_DEF, taskType).refusal(team, Access.EXECUTE, ResourceType.TASK_DEF,
                taskType);
    }

    private AccessPolicy.Standings standings(TenantId tenant, ResourceType type, String name) {
        Key key = new Key(tenant, type, name);
        long now = System.nanoTime();
        Remembered r = remembered.get(key);
        if (r == null || now - r.at() >= rememberFor.toNanos()) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            r = new Remembered(access.standingsOf(tenant, type, name), now);
            remembered.put(key, r);
        }
        return r.standings();
    }
}
