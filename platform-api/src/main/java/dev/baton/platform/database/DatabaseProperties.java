package dev.baton.platform.database;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the platform keeps its data.
 *
 * @param url JDBC URL of an existing PostgreSQL; empty to run an embedded PostgreSQL of our own
 * @param ownerUsername role that owns the schema and runs migrations
 * @param ownerPassword its password
 * @param appUsername role the application runs as: not the owner, not a superuser, subject to row-level security
 * @param appPassword its password (used when the role is created)
 * @param embedded the embedded PostgreSQL
 * @param poolSize connections in the application's pool
 */
@ConfigurationProperties("baton.database")
public record DatabaseProperties(
        String url,
        @DefaultValue("postgres") String ownerUsername,
        String ownerPassword,
        @DefaultValue("baton_app") String appUsername,
        @DefaultValue("baton_app") String appPassword,
        @DefaultValue Embedded embedded,
        @DefaultValue("20") int poolSize) {

    /**
     * @param dataDirectory where the embedded PostgreSQL keeps its files; kept across restarts
     * @param port its TCP port on 127.0.0.1; 0 picks a free one
     */
    public record Embedded(@DefaultValue("data/postgres") String dataDirectory, @DefaultValue("0") int port) {}

    public boolean isEmbedded() {
        return url == null || url.isBlank();
    }
}
