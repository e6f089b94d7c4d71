package dev.baton.events.internal;

import dev.baton.events.EventHandlerDef;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The event_handlers table; callers run it inside a tenant transaction. */
public final class HandlerStore {

    /** A stored handler and the team on whose behalf its actions run (none: the tenant's administrators'). */
    public record Stored(EventHandlerDef def, String ownerTeam) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public HandlerStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public List<Stored> all() {
        return jdbc.sql("SELECT definition::text, owner_team FROM event_handlers ORDER BY name")
                .query((rs, i) -> new Stored(read(rs.getString(1)), rs.getString(2))).list();
    }

    public List<Stored> forEvent(String event, boolean activeOnly) {
        return jdbc.sql("SELECT definition::text, owner_team FROM event_handlers WHERE event = ?"
                        + (activeOnly ? " AND active" : "") + " ORDER BY name")
                .param(event).query((rs, i) -> new Stored(read(rs.getString(1)), rs.getString(2))).list();
    }

    public Optional<Stored> find(String name) {
        return jdbc.sql("SELECT definition::text, owner_team FROM event_handlers WHERE name = ?").param(name)
                .query((rs, i) -> new Stored(read(rs.getString(1)), rs.getString(2))).optional();
    }

    public long count() {
        return jdbc.sql("SELECT count(*) FROM event_handlers").query(Long.class).single();
    }

    public long countForEvent(String event) {
        return jdbc.sql("SELECT count(*) FROM event_handlers WHERE event = ?").param(event).query(Long.class)
                .single();
    }

    /** Inserts; false when a handler of that name exists. */
    public boolean insert(String tenant, EventHandlerDef def, String ownerTeam) {
        return jdbc.sql("INSERT INTO event_handlers (tenant_id, name, event, active, owner_team, definition) "
                        + "VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING")
                .params(tenant, def.name(), def.event(), def.active(), ownerTeam, json.writeValueAsString(def))
                .update() == 1;
    }

    /** Replaces the definition, keeping the owner; false when there is no handler of that name. */
    public boolean update(EventHandlerDef def) {
        return jdbc.sql("UPDATE event_handlers SET event = ?, active = ?, definition = ?::jsonb, updated_at = now() "
                        + "WHERE name = ?")
                .params(def.event(), def.active(), json.writeValueAsString(def), def.name()).update() == 1;
    }

    public boolean delete(String name) {
        return jdbc.sql("DELETE FROM event_handlers WHERE name = ?").param(name).update() == 1;
    }

    private EventHandlerDef read(String text) {
        return json.readValue(text, EventHandlerDef.class);
    }
}
