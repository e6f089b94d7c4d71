package dev.baton.connections;

import java.util.Map;

/** What a team gives for a connection: its kind, plain settings, and secret settings (never shown again). */
public record NewConnection(ConnectionKind kind, String description, Map<String, Object> settings,
        Map<String, Object> secretSettings) {}
