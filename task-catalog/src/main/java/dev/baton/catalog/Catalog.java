package dev.baton.catalog;

import dev.baton.catalog.internal.CatalogStore;
import dev.baton.catalog.internal.Compatibility;
import dev.baton.catalog.internal.Entries;
import dev.baton.catalog.internal.Schemas;
import dev.baton.engine.api.CatalogTaskStats;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.MetadataService;
import dev.baton.engine.api.TaskStatistics;
import dev.baton.engine.api.TaskTypes;
import dev.baton.engine.api.Violation;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.tenancy.ResourceNames;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The task catalog: teams create entries, add draft versions with contracts, publish them (immutable from then on;
 * a change that breaks a contract needs a new major version, which is detected, not declared) and deprecate them;
 * everyone browses and searches what they may see, with usage figures and the workflows a change would affect.
 * Permissions are the API layer's; this class is handed the team that acts.
 */
public final class Catalog {

    private static final Duration USAGE_WINDOW = Duration.ofDays(7);
    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");
    private static final int MAX_TITLE = 200;
    private static final int MAX_TEXT = 20_000;
    private static final int MAX_TAGS = 20;
    private static final int MAX_EXAMPLES = 20;
    private static final int MAX_RESULTS = 200;

    private final TenantTransactions tx;
    private final CatalogStore store;
    private final Entries entries;
    private final Schemas schemas;
    private final TaskTypes taskTypes;
    private final MetadataService metadata;
    private final TaskStatistics statistics;
    private final Clock clock;

    public Catalog(TenantTransactions tx, CatalogStore store, Entries entries, Schemas schemas, TaskTypes taskTypes,
            MetadataService metadata, TaskStatistics statistics, Clock clock) {
        this.tx = tx;
        this.store = store;
        this.entries = entries;
        this.schemas = schemas;
        this.taskTypes = taskTypes;
        this.metadata = metadata;
        this.statistics = statistics;
        this.clock = clock;
    }

    // ---- writing ------------------------------------------------------------------------------------------

    /** Creates an entry owned by {@code ownerTeam}; it has no versions yet. */
    public CatalogEntry create(TenantId tenant, NewEntry entry, String ownerTeam, String actor) {
        requireEntry(entry, true);
        if (entries.isBuiltIn(entry.name())) {
            throw EngineException.conflict("'" + entry.name() + "' is the name of a built-in catalog entry");
        }
        return tx.write(tenant, () -> {
            if (!store.insertEntry(tenant.value(), entry, ownerTeam, actor)) {
                throw EngineException.conflict("a catalog entry named '" + entry.name() + "' already exists");
            }
            return store.entry(entry.name(), false).orElseThrow();
        });
    }

    /** Changes what an entry says of itself (title, description, category, tags, visibility). */
    public CatalogEntry describe(TenantId tenant, String name, NewEntry entry) {
        requireEntry(new NewEntry(name, entry.title(), entry.description(), entry.category(), entry.tags(),
                entry.visibility()), false);
        return tx.write(tenant, () -> {
            ownEntry(name);
            store.updateEntry(name, entry);
            entries.changed(tenant, name);
            return store.entry(name, false).orElseThrow();
        });
    }

    /** Adds a draft version; its contracts, examples and how it runs are checked, every problem listed. */
    public CatalogEntry addVersion(TenantId tenant, String name, NewVersion version, String actor) {
        SemVer v = SemVer.parse(version.version(), "version");
        requireVersion(version);
        return tx.write(tenant, () -> {
            ownEntry(name);
            if (!store.insertVersion(tenant.value(), name, v, version, actor)) {
                throw EngineException.conflict("catalog entry '" + name + "' already has a version " + v);
            }
            return store.entry(name, false).orElseThrow();
        });
    }

    /** Replaces a draft version's contracts, examples and notes; a published version never changes. */
    public CatalogEntry updateDraft(TenantId tenant, String name, String version, NewVersion draft) {
        SemVer v = SemVer.parse(version, "version");
        requireVersion(draft);
        return tx.write(tenant, () -> {
            CatalogVersion existing = existingVersion(ownEntry(name), version);
            if (existing.status() != VersionStatus.DRAFT) {
                throw EngineException.conflict("version " + version + " of '" + name + "' is " + existing.status()
                        + " and can no longer change; add a new version");
            }
            store.updateDraft(name, v, draft);
            return store.entry(name, false).orElseThrow();
        });
    }

    /**
     * Publishes a draft. Against the newest usable version below it in the same major line, a change that breaks
     * callers (input) or consumers (output) is refused with every break listed: it needs a new major version.
     */
    public CatalogEntry publish(TenantId tenant, String name, String version) {
        SemVer v = SemVer.parse(version, "version");
        return tx.write(tenant, () -> {
            CatalogEntry entry = ownEntry(name);
            CatalogVersion draft = existingVersion(entry, version);
            if (draft.status() != VersionStatus.DRAFT) {
                throw EngineException.conflict("version " + version + " of '" + name + "' is already "
                        + draft.status());
            }
            Optional<CatalogVersion> previous = entry.versions().stream()
                    .filter(o -> o.usable() && o.semVer().compareTo(v) < 0).findFirst();
            if (previous.isPresent() && previous.get().semVer().major() == v.major()) {
                List<String> breaks = breaks(previous.get(), draft);
                if (!breaks.isEmpty()) {
                    throw EngineException.conflict("version " + version + " breaks the contract of "
                            + previous.get().version() + " (" + String.join("; ", breaks) + "); publish it as "
                            + (v.major() + 1) + ".0.0");
                }
            }
            store.setStatus(name, v, VersionStatus.PUBLISHED, null);
            entries.changed(tenant, name);
            return store.entry(name, false).orElseThrow();
        });
    }

    private static List<String> breaks(CatalogVersion before, CatalogVersion after) {
        List<String> breaks = new ArrayList<>();
        if (!before.runsAs().equals(after.runsAs())) {
            breaks.add("it runs as " + after.runsAs().kind() + " " + after.runsAs().type() + " instead of "
                    + before.runsAs().kind() + " " + before.runsAs().type());
        }
        Compatibility.inputBreaks(before.inputSchema(), after.inputSchema()).forEach(b -> breaks.add("input: " + b));
        Compatibility.outputBreaks(before.outputSchema(), after.outputSchema()).forEach(b -> breaks.add("output: " + b));
        return breaks;
    }

    /** Deprecates a published version, naming its successor ({@code name@version}) if it has one. */
    public CatalogEntry deprecate(TenantId tenant, String name, String version, String successor) {
        SemVer v = SemVer.parse(version, "version");
        return tx.write(tenant, () -> {
            CatalogVersion existing = existingVersion(ownEntry(name), version);
            if (existing.status() != VersionStatus.PUBLISHED) {
                throw EngineException.conflict("only a published version can be deprecated; " + version + " is "
                        + existing.status());
            }
            if (successor != null) {
                int at = successor.lastIndexOf('@');
                boolean found = at > 0 && entries.find(successor.substring(0, at))
                        .flatMap(e -> e.resolve(successor.substring(at + 1))).isPresent();
                if (!found) {
                    throw EngineException.invalid("successor", "must name a published version as name@version, not '"
                            + successor + "'");
                }
            }
            store.setStatus(name, v, VersionStatus.DEPRECATED, successor);
            entries.changed(tenant, name);
            return store.entry(name, false).orElseThrow();
        });
    }

    private CatalogEntry ownEntry(String name) {
        if (entries.isBuiltIn(name)) {
            throw EngineException.conflict("'" + name + "' is a built-in catalog entry; it changes with the platform");
        }
        return store.entry(name, true).orElseThrow(() -> EngineException.notFound("no catalog entry named '" + name
                + "'"));
    }

    private static CatalogVersion existingVersion(CatalogEntry entry, String version) {
        return entry.version(version).orElseThrow(() -> EngineException.notFound("catalog entry '" + entry.name()
                + "' has no version " + version));
    }

    private static void requireEntry(NewEntry e, boolean checkName) {
        List<Violation> found = new ArrayList<>();
        if (checkName && (e.name() == null || !ResourceNames.valid(e.name()))) {
            found.add(new Violation("name", e.name() == null ? "is required" : ResourceNames.RULE));
        }
        if (e.title() == null || e.title().isBlank() || e.title().length() > MAX_TITLE) {
            found.add(new Violation("title", "is required, at most " + MAX_TITLE + " characters"));
        }
        if (e.description() != null && e.description().length() > MAX_TEXT) {
            found.add(new Violation("description", "must be at most " + MAX_TEXT + " characters"));
        }
        if (e.category() == null || !TAG.matcher(e.category()).matches()) {
            found.add(new Violation("category", "is required: lower-case letters, digits, '-' or '_', at most 40"));
        }
        if (e.tags() != null) {
            if (e.tags().size() > MAX_TAGS) {
                found.add(new Violation("tags", "at most " + MAX_TAGS + " are allowed"));
            }
            for (int i = 0; i < Math.min(e.tags().size(), MAX_TAGS); i++) {
                if (e.tags().get(i) == null || !TAG.matcher(e.tags().get(i)).matches()) {
                    found.add(new Violation("tags[" + i + "]", "must be lower-case letters, digits, '-' or '_', "
                            + "at most 40"));
                }
            }
        }
        if (e.visibility() == null || e.visibility() == Visibility.CURATED) {
            found.add(new Violation("visibility", "must be TEAM or TENANT"));
        }
        if (!found.isEmpty()) {
            throw EngineException.invalid(found);
        }
    }

    private void requireVersion(NewVersion v) {
        List<Violation> found = new ArrayList<>();
        schemas.problems(v.inputSchema()).forEach(p -> found.add(new Violation("inputSchema", p)));
        schemas.problems(v.outputSchema()).forEach(p -> found.add(new Violation("outputSchema", p)));
        if (v.runsAs() == null || v.runsAs().kind() == null || v.runsAs().type() == null) {
            found.add(new Violation("runsAs", "is required: {\"kind\":\"BUILT_IN\",\"type\":\"HTTP\"} or "
                    + "{\"kind\":\"WORKER\",\"type\":\"<task definition name>\"}"));
        } else if (v.runsAs().kind() == RunsAs.Kind.BUILT_IN && !taskTypes.runsInServer(v.runsAs().type())) {
            found.add(new Violation("runsAs.type", "'" + v.runsAs().type() + "' is no task type of this server"));
        } else if (v.runsAs().kind() == RunsAs.Kind.WORKER && !ResourceNames.valid(v.runsAs().type())) {
            found.add(new Violation("runsAs.type", ResourceNames.RULE));
        }
        if (v.notes() != null && v.notes().length() > MAX_TEXT) {
            found.add(new Violation("notes", "must be at most " + MAX_TEXT + " characters"));
        }
        List<Map<String, Object>> examples = v.examples() == null ? List.of() : v.examples();
        if (examples.size() > MAX_EXAMPLES) {
            found.add(new Violation("examples", "at most " + MAX_EXAMPLES + " are allowed"));
        } else if (found.isEmpty()) {
            for (int i = 0; i < examples.size(); i++) {
                example(examples.get(i), "examples[" + i + "]", v, found);
            }
        }
        if (!found.isEmpty()) {
            throw EngineException.invalid(found);
        }
    }

    /** An example shows a valid input and, when given, a valid output. */
    private void example(Map<String, Object> example, String at, NewVersion v, List<Violation> found) {
        if (example == null || !(example.get("input") instanceof Map<?, ?>)) {
            found.add(new Violation(at + ".input", "is required: an input that fits the input contract"));
            return;
        }
        for (Schemas.Violation s : schemas.validate(v.inputSchema(), example.get("input"))) {
            found.add(new Violation(at + ".input" + (s.field().isEmpty() ? "" : "." + s.field()), s.reason()));
        }
        if (example.containsKey("output")) {
            for (Schemas.Violation s : schemas.validate(v.outputSchema(), example.get("output"))) {
                found.add(new Violation(at + ".output" + (s.field().isEmpty() ? "" : "." + s.field()), s.reason()));
            }
        }
    }

    // ---- reading ------------------------------------------------------------------------------------------

    /** The entry named {@code name} if {@code teams} may see it (null: a tenant administrator, who sees all). */
    public Optional<CatalogEntry> entry(TenantId tenant, String name, Set<String> teams) {
        return tx.read(tenant, () -> entries.find(name)).filter(e -> visible(e, teams));
    }

    private static boolean visible(CatalogEntry e, Set<String> teams) {
        return teams == null || e.visibility() != Visibility.TEAM || teams.contains(e.ownerTeam());
    }

    /** Entries {@code teams} may see (null: all) that match {@code query}, built-in ones included. */
    public List<EntrySummary> browse(TenantId tenant, BrowseQuery query, Set<String> teams) {
        int limit = Math.max(1, Math.min(query.limit() <= 0 ? 50 : query.limit(), MAX_RESULTS));
        List<CatalogEntry> own = tx.read(tenant, () -> store.search(query.text(), query.category(), query.tag(),
                query.owner(), query.status(), MAX_RESULTS));
        List<CatalogEntry> builtIn = entries.builtIns().stream().filter(e -> matches(e, query)).toList();
        Map<String, Long> runs = statistics.catalogRuns(tenant, clock.instant().minus(USAGE_WINDOW));
        Stream<CatalogEntry> visible = Stream.concat(own.stream(), builtIn.stream())
                .filter(e -> visible(e, teams));
        Comparator<CatalogEntry> order = switch (query.sort() == null ? BrowseQuery.Sort.RELEVANCE : query.sort()) {
            case USAGE -> Comparator.<CatalogEntry>comparingLong(e -> runs.getOrDefault(e.name(), 0L)).reversed()
                    .thenComparing(CatalogEntry::name);
            case NAME -> Comparator.comparing(CatalogEntry::name);
            // the database ranked its own by relevance; built-in ones that match follow in name order
            case RELEVANCE -> (a, b) -> 0;
        };
        return visible.sorted(order).limit(limit).map(e -> summary(e, runs.getOrDefault(e.name(), 0L))).toList();
    }

    private static boolean matches(CatalogEntry e, BrowseQuery q) {
        String text = q.text() == null ? "" : q.text().toLowerCase();
        boolean textMatches = text.isBlank() || Stream.of(text.split("\\s+")).allMatch(word ->
                (e.name() + " " + e.title() + " " + e.description() + " " + e.category() + " " + String.join(" ",
                        e.tags())).toLowerCase().contains(word));
        return textMatches && (q.category() == null || q.category().equalsIgnoreCase(e.category()))
                && (q.tag() == null || e.tags().contains(q.tag()))
                && (q.owner() == null || q.owner().equals(e.ownerTeam()))
                && (q.status() == null || e.versions().stream().anyMatch(v -> v.status() == q.status()));
    }

    private static EntrySummary summary(CatalogEntry e, long runs) {
        Optional<CatalogVersion> latest = e.latest().or(() -> e.versions().stream().findFirst());
        return new EntrySummary(e.name(), e.title(), e.category(), e.tags(), e.ownerTeam(), e.visibility(),
                latest.map(CatalogVersion::version).orElse(null), latest.map(CatalogVersion::status).orElse(null),
                runs);
    }

    /** Per version: the workflow definitions that use it now, and how its tasks ran over the last seven days. */
    public List<VersionUsage> usage(TenantId tenant, String name, Set<String> teams) {
        CatalogEntry entry = entry(tenant, name, teams)
                .orElseThrow(() -> EngineException.notFound("no catalog entry named '" + name + "'"));
        Map<String, Set<String>> workflowsByVersion = new HashMap<>();
        for (Use use : impact(tenant, entry)) {
            if (use.resolvedVersion() != null) {
                workflowsByVersion.computeIfAbsent(use.resolvedVersion(), k -> new HashSet<>())
                        .add(use.workflow() + "/" + use.workflowVersion());
            }
        }
        Map<String, CatalogTaskStats> stats = new HashMap<>();
        statistics.catalogTaskStats(tenant, name, clock.instant().minus(USAGE_WINDOW))
                .forEach(s -> stats.put(s.version(), s));
        return entry.versions().stream().map(v -> {
            CatalogTaskStats s = stats.get(v.version());
            return new VersionUsage(v.version(), v.status(), workflowsByVersion.getOrDefault(v.version(), Set.of())
                    .size(), s == null ? 0 : s.runs(), s == null ? 0 : s.failureRate(), s == null ? null
                    : s.p50Millis(), s == null ? null : s.p95Millis());
        }).toList();
    }

    /** Every workflow task that uses the entry: what a change to it would affect. */
    public List<Use> impact(TenantId tenant, String name, Set<String> teams) {
        return impact(tenant, entry(tenant, name, teams)
                .orElseThrow(() -> EngineException.notFound("no catalog entry named '" + name + "'")));
    }

    private List<Use> impact(TenantId tenant, CatalogEntry entry) {
        List<Use> uses = new ArrayList<>();
        for (WorkflowDef def : metadata.workflowDefs(tenant, false)) {
            def.visitTasks(t -> use(def, t, entry).ifPresent(uses::add));
        }
        uses.sort(Comparator.comparing(Use::workflow).thenComparing(Use::workflowVersion)
                .thenComparing(Use::taskReferenceName));
        return uses;
    }

    private static Optional<Use> use(WorkflowDef def, WorkflowTask t, CatalogEntry entry) {
        if (t.catalog() == null || !entry.name().equals(t.catalog().name())) {
            return Optional.empty();
        }
        return Optional.of(new Use(def.name(), def.versionOrDefault(), t.taskReferenceName(), t.catalog().version(),
                entry.resolve(t.catalog().version()).map(CatalogVersion::version).orElse(null)));
    }
}
