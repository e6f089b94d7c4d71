package dev.baton.engine.internal.nodes;

import dev.baton.engine.api.Leadership;
import dev.baton.engine.spi.LeaderElection;

/** The engine's leadership, answered by whichever election is configured. */
public final class ElectedLeadership implements Leadership, AutoCloseable {

    private final LeaderElection election;

    public ElectedLeadership(LeaderElection election) {
        this.election = election;
    }

    @Override
    public boolean leads(String role) {
        return election.holds(role);
    }

    @Override
    public java.util.List<String> leading() {
        return election.held();
    }

    @Override
    public void close() {
        election.close();
    }
}
