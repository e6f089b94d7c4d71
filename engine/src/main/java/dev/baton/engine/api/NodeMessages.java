package dev.baton.engine.api;

import java.util.function.Consumer;

/**
 * Short messages between the server nodes of one installation, best effort, so that a node can tell the others to
 * forget what they cached of something it changed.
 */
public interface NodeMessages {

    /** Tells every other node {@code subject} under {@code kind} (one letter, not W or Q, which wake-ups use). */
    void tell(String kind, String subject);

    /** Hands {@code handler} the subject of every message of {@code kind} another node tells. */
    void on(String kind, Consumer<String> handler);
}
