package dev.baton.connections.internal;

import dev.baton.connections.ConnectionKind;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The rows of secrets and connections, in the caller's tenant transaction (row-level security applies). */
public final class VaultStore {

    /** A secret's row: the value still encrypted. */
    public record SecretRow(String name, String ownerTeam, String description, String keyId, byte[] ciphertext,
            Instant createdAt, Instant updatedAt) {}

    /** A connection's row: plain settings as JSON, secret settings encrypted. */
    public record ConnectionRow(String name, ConnectionKind kind, String ownerTeam, String description,
            String settings, String keyId, byte[] secretSettings, Instant updatedAt) {}

    private final JdbcClient jdbc;

    public VaultStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void upsertSecret(String tenant, String name, String ownerTeam, String description, String keyId,
            byte[] ciphertext, String actor) {
        jdbc.sql("""
                INSERT INTO secrets (tenant_id, name, owner_team, description, key_id, ciphertext, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (tenant_id, name) DO UPDATE SET description = excluded.description,
                  key_id = excluded.key_id, ciphertext = excluded.ciphertext, updated_at = now()""")
                .params(tenant, name, ownerTeam, description, keyId, ciphertext, actor).update();
    }

    public Optional<SecretRow> secret(String name) {
        return jdbc.sql("SELECT * FROM secrets WHERE name = ?").param(name)
                .query((rs, i) -> new SecretRow(rs.getString("name"), rs.getString("owner_team"),
                        rs.getString("description"), rs.getString("key_id"), rs.getBytes("ciphertext"),
                        instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at"))))
                .optional();
    }

    public List<SecretRow> secrets() {
        return jdbc.sql("SELECT * FROM secrets ORDER BY name")
                .query((rs, i) -> new SecretRow(rs.getString("name"), rs.getString("owner_team"),
                        rs.getString("description"), rs.getString("key_id"), rs.getBytes("ciphertext"),
                        instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at"))))
                .list();
    }

    public boolean deleteSecret(String name) {
        return jdbc.sql("DELETE FROM secrets WHERE name = ?").param(name).update() > 0;
    }

    public void upsertConnection(String tenant, String name, ConnectionKind kind, String ownerTeam,
            String description, String settings, String keyId, byte[] secretSettings, String actor) {
        jdbc.sql("""
                INSERT INTO connections (tenant_id, name, kind, owner_team, description, settings, key_id,
                                         secret_settings, created_by)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                ON CONFLICT (tenant_id, name) DO UPDATE SET kind = excluded.kind, description = excluded.description,
                  settings = excluded.settings, key_id = excluded.key_id, secret_settings = excluded.secret_settings,
                  updated_at = now()""")
                .params(tenant, name, kind.name(), ownerTeam, description, settings, keyId, secretSettings, actor)
                .update();
    }

    public Optional<ConnectionRow> connection(String name) {
        return jdbc.sql("SELECT * FROM connections WHERE name = ?").param(name).query((rs, i) -> row(rs)).optional();
    }

    public List<ConnectionRow> connections() {
        return jdbc.sql("SELECT * FROM connections ORDER BY name").query((rs, i) -> row(rs)).list();
    }

    public boolean deleteConnection(String name) {
        return jdbc.sql("DELETE FROM connections WHERE name = ?").param(name).update() > 0;
    }

    public void reencryptSecret(String name, String keyId, byte[] ciphertext) {
        jdbc.sql("UPDATE secrets SET key_id = ?, ciphertext = ? WHERE name = ?").params(keyId, ciphertext, name)
                .update();
    }

    public void reencryptConnection(String name, String keyId, byte[] secretSettings) {
        jdbc.sql("UPDATE connections SET key_id = ?, secret_settings = ? WHERE name = ?")
                .params(keyId, secretSettings, name).update();
    }

    private static ConnectionRow row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ConnectionRow(rs.getString("name"), ConnectionKind.valueOf(rs.getString("kind")),
                rs.getString("owner_team"), rs.getString("description"), rs.getString("settings"),
                rs.getString("key_id"), rs.getBytes("secret_settings"), instant(rs.getTimestamp("updated_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
