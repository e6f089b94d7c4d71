package dev.baton.connections;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** A connection as the API shows it: its plain settings, and only the names of the secret ones that are set. */
public record ConnectionInfo(String name, ConnectionKind kind, String ownerTeam, String description,
        Map<String, Object> settings, Set<String> secretSettingsSet, Instant updatedAt) {}
