package dev.baton.listeners;

import java.time.Instant;
import java.util.UUID;

/**
 * One status change on its way to one listener: pending (with the time of its next attempt), delivered, or dead
 * after its last attempt failed; with what the receiver last answered.
 */
public record Delivery(UUID id, String listener, String event, Status status, int attempts, Instant nextAttemptAt,
        Integer lastStatus, String lastError, Instant createdAt, Instant finishedAt, String payload) {

    /** Where a delivery stands. */
    public enum Status { PENDING, DELIVERED, DEAD }
}
