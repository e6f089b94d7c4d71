package dev.baton.listeners;

import java.time.Instant;

/** A listener as kept: its definition, the team it hears for (null: the tenant administrators'), and when. */
public record StoredListener(ListenerDef definition, String ownerTeam, String createdBy, Instant createdAt,
        Instant updatedAt) {}
