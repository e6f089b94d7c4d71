package dev.baton.connections;

import dev.baton.tenancy.TenantId;
import java.util.Optional;

/** Whether a workflow of a team may use a secret or a connection; the API layer answers it with team grants. */
public interface UsePolicy {

    /** What is being used. */
    enum Kind {
        SECRET, CONNECTION
    }

    /** Why {@code team} (null: a workflow of no team, which only tenant administrators run) may not use it. */
    Optional<String> refuse(TenantId tenant, String team, Kind kind, String name, String ownerTeam);

    /** The owning team only. */
    UsePolicy OWNER_ONLY = (tenant, team, kind, name, owner) -> team == null || team.equals(owner)
            ? Optional.empty()
            : Optional.of("team '" + team + "' may not use " + kind.name().toLowerCase() + " '" + name + "'");
}
