package dev.baton.engine.api;

/**
 * Which server node does a job that one node at a time should do (sweeping timers, firing schedules): one leader per
 * role across the installation, for as long as it lives; when it dies, another takes over within seconds.
 */
public interface Leadership {

    /** Whether this node leads {@code role} now; asking enters the node in the role's election. */
    boolean leads(String role);

    /** The roles this node leads now, of those it was asked about. */
    java.util.List<String> leading();
}
