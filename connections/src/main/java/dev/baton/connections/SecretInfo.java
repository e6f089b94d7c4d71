package dev.baton.connections;

import java.time.Instant;

/** A secret as the API shows it: everything but its value. */
public record SecretInfo(String name, String ownerTeam, String description, String keyId, Instant createdAt,
        Instant updatedAt) {}
