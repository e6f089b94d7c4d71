package dev.baton.listeners.internal;

import dev.baton.listeners.Delivery;
import dev.baton.listeners.ListenerDef;
import dev.baton.listeners.StoredListener;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The status_listeners and listener_deliveries tables; callers run it inside a tenant transaction. */
public final class ListenerStore {

    private static final String LISTENER_COLUMNS = "name, events, workflow_names, url, sink, signing_secret, enabled, "
            + "owner_team, created_by, created_at, updated_at";
    private static final String DELIVERY_COLUMNS = "id, listener_name, event, status, attempts, next_attempt_at, "
            + "last_status, last_error, created_at, finished_at, payload::text";

    private final JdbcClient jdbc;

    public ListenerStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<StoredListener> all() {
        return jdbc.sql("SELECT " + LISTENER_COLUMNS + " FROM status_listeners ORDER BY name")
                .query((rs, i) -> listener(rs)).list();
    }

    public Optional<StoredListener> find(String name) {
        return jdbc.sql("SELECT " + LISTENER_COLUMNS + " FROM status_listeners WHERE name = ?").param(name)
                .query((rs, i) -> listener(rs)).optional();
    }

    public int count() {
        return jdbc.sql("SELECT count(*) FROM status_listeners").query(Integer.class).single();
    }

    /** False when a listener of that name exists. */
    public boolean insert(String tenant, ListenerDef def, String ownerTeam, String actor) {
        return jdbc.sql("""
                INSERT INTO status_listeners (tenant_id, name, owner_team, events, workflow_names, url, sink,
                                              signing_secret, enabled, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(tenant, def.name(), ownerTeam, def.events().toArray(String[]::new),
                        def.workflowNames().toArray(String[]::new), def.url(), def.sink(), def.signingSecret(),
                        def.isEnabled(), actor)
                .update() == 1;
    }

    public boolean update(ListenerDef def) {
        return jdbc.sql("""
                UPDATE status_listeners SET events = ?, workflow_names = ?, url = ?, sink = ?, signing_secret = ?,
                       enabled = ?, updated_at = now()
                 WHERE name = ?""")
                .params(def.events().toArray(String[]::new), def.workflowNames().toArray(String[]::new), def.url(),
                        def.sink(), def.signingSecret(), def.isEnabled(), def.name())
                .update() == 1;
    }

    public boolean delete(String name) {
        return jdbc.sql("DELETE FROM status_listeners WHERE name = ?").param(name).update() == 1;
    }

    public List<Delivery> deliveries(String listener, Delivery.Status status, int limit) {
        String where = status == null ? "" : " AND status = '" + status.name() + "'";
        return jdbc.sql("SELECT " + DELIVERY_COLUMNS + " FROM listener_deliveries WHERE listener_name = ?" + where
                + " ORDER BY created_at DESC, id LIMIT ?").params(listener, limit)
                .query((rs, i) -> delivery(rs)).list();
    }

    public Optional<Delivery> delivery(String listener, UUID id) {
        return jdbc.sql("SELECT " + DELIVERY_COLUMNS + " FROM listener_deliveries WHERE listener_name = ? AND id = ?")
                .params(listener, id).query((rs, i) -> delivery(rs)).optional();
    }

    /** Makes a finished delivery pending again, due now, from its first attempt. */
    public void resend(UUID id) {
        jdbc.sql("""
                UPDATE listener_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = clock_timestamp(),
                       finished_at = NULL
                 WHERE id = ?""").param(id).update();
    }

    public int resendDead(String listener) {
        return jdbc.sql("""
                UPDATE listener_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = clock_timestamp(),
                       finished_at = NULL
                 WHERE listener_name = ? AND status = 'DEAD'""").param(listener).update();
    }

    /** Records a delivery's outcome, if the attempt is still the latest (a lease that ran out was taken over). */
    public boolean finish(UUID id, int attempt, Delivery.Status status, Integer answered, String error,
            java.time.Instant nextAttempt) {
        return jdbc.sql("""
                UPDATE listener_deliveries SET status = ?, last_status = ?, last_error = ?,
                       finished_at = CASE WHEN ? = 'PENDING' THEN NULL ELSE clock_timestamp() END,
                       next_attempt_at = coalesce(?, next_attempt_at)
                 WHERE id = ? AND attempts = ? AND status = 'PENDING'""")
                .params(status.name(), answered, error, status.name(),
                        nextAttempt == null ? null : Timestamp.from(nextAttempt), id, attempt)
                .update() == 1;
    }

    /** The installation's backlog, across tenants. */
    public Backlog backlog() {
        return jdbc.sql("SELECT pending, dead, oldest_due FROM listener_backlog()").query((rs, i) -> {
            Timestamp oldest = rs.getTimestamp(3);
            return new Backlog(rs.getLong(1), rs.getLong(2), oldest == null ? null : oldest.toInstant());
        }).single();
    }

    /** Deliveries waiting, dead letters, and the due time of the oldest delivery that is due (null: none). */
    public record Backlog(long pending, long dead, java.time.Instant oldestDue) {}

    private static StoredListener listener(ResultSet rs) throws SQLException {
        return new StoredListener(new ListenerDef(rs.getString("name"), strings(rs.getArray("events")),
                strings(rs.getArray("workflow_names")), rs.getString("url"), rs.getString("sink"),
                rs.getString("signing_secret"),
                rs.getBoolean("enabled")), rs.getString("owner_team"), rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    private static Delivery delivery(ResultSet rs) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        int code = rs.getInt("last_status");
        Integer answered = rs.wasNull() ? null : code;
        return new Delivery(rs.getObject("id", UUID.class), rs.getString("listener_name"), rs.getString("event"),
                Delivery.Status.valueOf(rs.getString("status")), rs.getInt("attempts"),
                rs.getTimestamp("next_attempt_at").toInstant(), answered,
                rs.getString("last_error"), rs.getTimestamp("created_at").toInstant(),
                finished == null ? null : finished.toInstant(), rs.getString("payload"));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
