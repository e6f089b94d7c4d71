package dev.baton.engine.spi;

/**
 * Elects one node per role with a lock held while the node lives: PostgreSQL advisory locks by default, Redis when
 * one is configured. The engine answers {@link dev.baton.engine.api.Leadership} with it.
 */
public interface LeaderElection extends AutoCloseable {

    /** Whether this node holds {@code role} now; asking enters the node in the role's election. */
    boolean holds(String role);

    /** The roles this node holds now, of those it was asked about. */
    java.util.List<String> held();

    @Override
    void close();
}
