package dev.baton.catalog.internal;

import dev.baton.catalog.CatalogEntry;
import dev.baton.catalog.CatalogVersion;
import dev.baton.catalog.NewEntry;
import dev.baton.catalog.NewVersion;
import dev.baton.catalog.RunsAs;
import dev.baton.catalog.SemVer;
import dev.baton.catalog.VersionStatus;
import dev.baton.catalog.Visibility;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The catalog's rows, read and written in the caller's tenant transaction (row-level security applies). */
public final class CatalogStore {

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public CatalogStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public boolean insertEntry(String tenant, NewEntry e, String ownerTeam, String actor) {
        return jdbc.sql("""
                INSERT INTO catalog_entries (tenant_id, name, title, description, category, tags, owner_team,
                                             visibility, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(tenant, e.name(), e.title(), e.description() == null ? "" : e.description(), e.category(),
                        e.tags() == null ? new String[0] : e.tags().toArray(String[]::new), ownerTeam,
                        e.visibility().name(), actor)
                .update() > 0;
    }

    public void updateEntry(String name, NewEntry e) {
        jdbc.sql("""
                UPDATE catalog_entries SET title = ?, description = ?, category = ?, tags = ?, visibility = ?,
                       updated_at = now() WHERE name = ?""")
                .params(e.title(), e.description() == null ? "" : e.description(), e.category(),
                        e.tags() == null ? new String[0] : e.tags().toArray(String[]::new), e.visibility().name(),
                        name)
                .update();
    }

    public boolean insertVersion(String tenant, String name, SemVer v, NewVersion nv, String actor) {
        return jdbc.sql("""
                INSERT INTO catalog_versions (tenant_id, name, major, minor, patch, status, input_schema,
                                              output_schema, examples, runs_as, notes, created_by)
                VALUES (?, ?, ?, ?, ?, 'DRAFT', ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?) ON CONFLICT DO NOTHING""")
                .params(tenant, name, v.major(), v.minor(), v.patch(), json.writeValueAsString(nv.inputSchema()),
                        json.writeValueAsString(nv.outputSchema()),
                        json.writeValueAsString(nv.examples() == null ? List.of() : nv.examples()),
                        json.writeValueAsString(nv.runsAs()), nv.notes() == null ? "" : nv.notes(), actor)
                .update() > 0;
    }

    public void updateDraft(String name, SemVer v, NewVersion nv) {
        jdbc.sql("""
                UPDATE catalog_versions SET input_schema = ?::jsonb, output_schema = ?::jsonb, examples = ?::jsonb,
                       runs_as = ?::jsonb, notes = ?
                 WHERE name = ? AND major = ? AND minor = ? AND patch = ? AND status = 'DRAFT'""")
                .params(json.writeValueAsString(nv.inputSchema()), json.writeValueAsString(nv.outputSchema()),
                        json.writeValueAsString(nv.examples() == null ? List.of() : nv.examples()),
                        json.writeValueAsString(nv.runsAs()), nv.notes() == null ? "" : nv.notes(), name, v.major(),
                        v.minor(), v.patch())
                .update();
    }

    public void setStatus(String name, SemVer v, VersionStatus status, String successor) {
        String stamp = status == VersionStatus.PUBLISHED ? "published_at" : "deprecated_at";
        jdbc.sql("UPDATE catalog_versions SET status = ?, successor = ?, " + stamp + " = now() "
                        + "WHERE name = ? AND major = ? AND minor = ? AND patch = ?")
                .params(status.name(), successor, name, v.major(), v.minor(), v.patch())
                .update();
    }

    /** The entry named {@code name}, its versions newest first, locked for a change when {@code forUpdate}. */
    public Optional<CatalogEntry> entry(String name, boolean forUpdate) {
        Optional<CatalogEntry> entry = jdbc.sql("SELECT * FROM catalog_entries WHERE name = ?"
                        + (forUpdate ? " FOR UPDATE" : "")).param(name)
                .query(this::mapEntry).optional();
        return entry.map(e -> withVersions(e, versions(List.of(name)).getOrDefault(name, List.of())));
    }

    /** Entries matching a search: text (ranked), category, tag, owner and a version status; at most {@code limit}. */
    public List<CatalogEntry> search(String text, String category, String tag, String owner, VersionStatus status,
            int limit) {
        StringBuilder sql = new StringBuilder("SELECT e.*");
        List<Object> params = new ArrayList<>();
        boolean ranked = text != null && !text.isBlank();
        if (ranked) {
            sql.append(", ts_rank(e.search, websearch_to_tsquery('english', ?)) AS rank");
            params.add(text);
        }
        sql.append(" FROM catalog_entries e WHERE true");
        if (ranked) {
            sql.append(" AND (e.search @@ websearch_to_tsquery('english', ?)"
                    + " OR e.search @@ websearch_to_tsquery('simple', ?) OR e.name ILIKE ?)");
            params.add(text);
            params.add(text);
            params.add("%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (category != null) {
            sql.append(" AND lower(e.category) = lower(?)");
            params.add(category);
        }
        if (tag != null) {
            sql.append(" AND ? = ANY (e.tags)");
            params.add(tag);
        }
        if (owner != null) {
            sql.append(" AND e.owner_team = ?");
            params.add(owner);
        }
        if (status != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM catalog_versions v WHERE v.name = e.name AND v.status = ?)");
            params.add(status.name());
        }
        sql.append(ranked ? " ORDER BY rank DESC, e.name" : " ORDER BY e.name").append(" LIMIT ?");
        params.add(limit);
        List<CatalogEntry> found = jdbc.sql(sql.toString()).params(params).query(this::mapEntry).list();
        Map<String, List<CatalogVersion>> versions = versions(found.stream().map(CatalogEntry::name).toList());
        return found.stream().map(e -> withVersions(e, versions.getOrDefault(e.name(), List.of()))).toList();
    }

    private Map<String, List<CatalogVersion>> versions(List<String> names) {
        Map<String, List<CatalogVersion>> byName = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return byName;
        }
        jdbc.sql("SELECT * FROM catalog_versions WHERE name = ANY (?) ORDER BY name, major DESC, minor DESC, "
                        + "patch DESC")
                .param(names.toArray(String[]::new))
                .query((rs, i) -> Map.entry(rs.getString("name"), mapVersion(rs))).list()
                .forEach(e -> byName.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return byName;
    }

    private static CatalogEntry withVersions(CatalogEntry e, List<CatalogVersion> versions) {
        return new CatalogEntry(e.name(), e.title(), e.description(), e.category(), e.tags(), e.ownerTeam(),
                e.visibility(), e.createdAt(), List.copyOf(versions));
    }

    private CatalogEntry mapEntry(ResultSet rs, int row) throws SQLException {
        Array tags = rs.getArray("tags");
        return new CatalogEntry(rs.getString("name"), rs.getString("title"), rs.getString("description"),
                rs.getString("category"), tags == null ? List.of() : Arrays.asList((String[]) tags.getArray()),
                rs.getString("owner_team"), Visibility.valueOf(rs.getString("visibility")),
                instant(rs.getTimestamp("created_at")), List.of());
    }

    private CatalogVersion mapVersion(ResultSet rs) throws SQLException {
        String version = rs.getInt("major") + "." + rs.getInt("minor") + "." + rs.getInt("patch");
        return new CatalogVersion(version, VersionStatus.valueOf(rs.getString("status")), rs.getString("successor"),
                json.readValue(rs.getString("input_schema"), MAP), json.readValue(rs.getString("output_schema"), MAP),
                json.readValue(rs.getString("examples"), LIST), json.readValue(rs.getString("runs_as"), RunsAs.class),
                rs.getString("notes"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("published_at")), instant(rs.getTimestamp("deprecated_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
