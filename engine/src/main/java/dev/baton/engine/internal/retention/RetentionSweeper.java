package dev.baton.engine.internal.retention;

import dev.baton.engine.api.Leadership;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.internal.execution.ExecutionStore;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.spi.ExecutionArchive;
import dev.baton.tenancy.Tenant;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.Tenants;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Removes finished executions past their tenant's retention, on the node that leads {@value #ROLE}: those that ended
 * more than {@code retentionDays} ago, and those beyond the newest {@code retentionPerWorkflow} of each workflow.
 * Top-level executions are removed with their sub-workflows, {@code batch} at a time, each batch in a short
 * transaction of its own that first writes the batch to the archive (when there is one) as JSON lines; an archive
 * that fails removes nothing. Running work never waits: a batch locks only finished executions, skipping any that
 * something else holds, and a round stops after {@code maxPerRound} per tenant.
 */
public final class RetentionSweeper implements AutoCloseable {

    /** The leadership role of the node that removes expired executions. */
    public static final String ROLE = "retention";

    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    /** The installation's defaults and pace; null defaults mean keep. */
    public record Settings(Integer defaultDays, Integer defaultPerWorkflow, Duration interval, int batch,
            int maxPerRound) {}

    /** What one round removed, per tenant. */
    public record Round(Map<TenantId, Integer> removed) {}

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final ExecutionStore store;
    private final Tenants tenants;
    private final Leadership leadership;
    private final ExecutionArchive archive;
    private final JsonCodec json;
    private final Clock clock;
    private final Settings settings;
    private final BiConsumer<TenantId, Integer> removedListener;
    private ScheduledExecutorService timer;

    /**
     * @param archive where removed executions are kept first, or null to remove them without a copy
     * @param removedListener told how many executions of a tenant each batch removed
     */
    public RetentionSweeper(TenantTransactions tx, JdbcClient jdbc, ExecutionStore store, Tenants tenants,
            Leadership leadership, ExecutionArchive archive, JsonCodec json, Clock clock, Settings settings,
            BiConsumer<TenantId, Integer> removedListener) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.store = store;
        this.tenants = tenants;
        this.leadership = leadership;
        this.archive = archive;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
        this.removedListener = removedListener;
    }

    public void start() {
        if (archive == null) {
            LOG.info("executions removed by retention are not archived (no object store or archive directory)");
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("baton-retention").daemon()
                .factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                if (leadership.leads(ROLE)) {
                    sweep();
                }
            } catch (RuntimeException e) {
                LOG.warn("a retention round failed; the next one tries again: {}", e.toString());
            }
        }, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round over every active tenant with a retention; returns what it removed. */
    public Round sweep() {
        Map<TenantId, Integer> removed = new LinkedHashMap<>();
        for (Tenant tenant : tenants.list()) {
            if (tenant.status() != Tenant.Status.ACTIVE) {
                continue; // a suspended tenant's data is kept as it is
            }
            Integer days = tenant.quotas().retentionDays() != null ? tenant.quotas().retentionDays()
                    : settings.defaultDays();
            Integer perWorkflow = tenant.quotas().retentionPerWorkflow() != null
                    ? tenant.quotas().retentionPerWorkflow() : settings.defaultPerWorkflow();
            if (days == null && perWorkflow == null) {
                continue;
            }
            int n = sweep(tenant.id(), days, perWorkflow);
            if (n > 0) {
                removed.put(tenant.id(), n);
            }
        }
        return new Round(removed);
    }

    private int sweep(TenantId tenant, Integer days, Integer perWorkflow) {
        int removed = 0;
        Set<UUID> skipped = ConcurrentHashMap.newKeySet();
        Instant cutoff = days == null ? null : clock.instant().minus(Duration.ofDays(days));
        // the newest execution each crowded workflow keeps, found once a round: what is older goes
        List<Kept> kept = perWorkflow == null ? new ArrayList<>()
                : new ArrayList<>(tx.read(tenant, () -> crowded(tenant, perWorkflow)));
        while (removed < settings.maxPerRound()) {
            int want = Math.min(settings.batch(), settings.maxPerRound() - removed);
            List<UUID> roots = tx.read(tenant, () -> candidates(tenant, cutoff, kept, want, skipped));
            if (roots.isEmpty()) {
                break;
            }
            int batch = tx.write(tenant, () -> removeBatch(tenant, roots, skipped));
            removed += batch;
            if (batch > 0) {
                removedListener.accept(tenant, batch);
            }
        }
        return removed;
    }

    /** The oldest execution a workflow keeps: its {@code perWorkflow}-th newest finished one. */
    private record Kept(String name, Timestamp endedAt, UUID id) {}

    /**
     * The workflows with more than {@code perWorkflow} finished top-level executions, each with the oldest one it
     * keeps. Names are walked through the index one by one (a loose index scan), and each keeper found by
     * skipping the newest in the index, so a tenant with a million executions costs a few index reads per name.
     */
    private List<Kept> crowded(TenantId tenant, int perWorkflow) {
        List<Kept> kept = new ArrayList<>();
        String name = "";
        while (true) {
            String next = jdbc.sql("""
                    SELECT name FROM workflows
                     WHERE tenant_id = ? AND parent_workflow_id IS NULL AND ended_at IS NOT NULL AND name > ?
                     ORDER BY name LIMIT 1""")
                    .params(tenant.value(), name).query(String.class).optional().orElse(null);
            if (next == null) {
                return kept;
            }
            name = next;
            String current = name;
            jdbc.sql("""
                    SELECT ended_at, id FROM workflows
                     WHERE tenant_id = ? AND parent_workflow_id IS NULL AND ended_at IS NOT NULL AND name = ?
                     ORDER BY ended_at DESC, id DESC OFFSET ? LIMIT 1""")
                    .params(tenant.value(), name, perWorkflow - 1)
                    .query((rs, i) -> new Kept(current, rs.getTimestamp(1), rs.getObject(2, UUID.class)))
                    .optional().ifPresent(kept::add);
        }
    }

    /**
     * Top-level finished executions past the retention, none of those skipped this round: by age the oldest first,
     * then, for each crowded workflow, those next below the oldest it keeps (an index range from there down).
     */
    private List<UUID> candidates(TenantId tenant, Instant cutoff, List<Kept> kept, int want, Set<UUID> skipped) {
        UUID[] skip = skipped.toArray(UUID[]::new);
        List<UUID> found = new ArrayList<>();
        if (cutoff != null) {
            found.addAll(jdbc.sql("""
                    SELECT id FROM workflows
                     WHERE tenant_id = ? AND parent_workflow_id IS NULL AND ended_at IS NOT NULL AND ended_at < ?
                       AND id <> ALL (?)
                     ORDER BY ended_at LIMIT ?""")
                    .params(tenant.value(), Timestamp.from(cutoff), skip, want).query(UUID.class).list());
        }
        for (java.util.Iterator<Kept> it = kept.iterator(); it.hasNext() && found.size() < want; ) {
            Kept k = it.next();
            List<UUID> older = jdbc.sql("""
                    SELECT id FROM workflows
                     WHERE tenant_id = ? AND parent_workflow_id IS NULL AND ended_at IS NOT NULL AND name = ?
                       AND ended_at <= ? AND (ended_at < ? OR id < ?) AND id <> ALL (?)
                     ORDER BY ended_at DESC, id DESC LIMIT ?""")
                    .params(tenant.value(), k.name(), k.endedAt(), k.endedAt(), k.id(), skip, want - found.size())
                    .query(UUID.class).list();
            if (older.isEmpty()) {
                it.remove(); // nothing older is left of this workflow this round
            }
            older.stream().filter(id -> !found.contains(id)).forEach(found::add);
        }
        return found;
    }

    /** Archives and removes the roots and their sub-workflows; returns how many executions went. */
    private int removeBatch(TenantId tenant, List<UUID> roots, Set<UUID> skipped) {
        List<UUID> locked = jdbc.sql("""
                SELECT id FROM workflows WHERE id = ANY (?) AND ended_at IS NOT NULL
                 ORDER BY id FOR UPDATE SKIP LOCKED""")
                .param(roots.toArray(UUID[]::new)).query(UUID.class).list();
        roots.stream().filter(id -> !locked.contains(id)).forEach(skipped::add);
        List<UUID> doomed = new ArrayList<>();
        for (UUID root : locked) {
            List<Object[]> tree = jdbc.sql("""
                    WITH RECURSIVE tree AS (
                        SELECT id, ended_at, 0 AS depth FROM workflows WHERE id = ?
                        UNION ALL
                        SELECT w.id, w.ended_at, t.depth + 1 FROM workflows w JOIN tree t ON w.parent_workflow_id = t.id
                         WHERE t.depth < 64)
                    SELECT id, ended_at IS NOT NULL FROM tree ORDER BY depth DESC""")
                    .param(root).query((rs, i) -> new Object[] {rs.getObject(1, UUID.class), rs.getBoolean(2)})
                    .list();
            if (tree.stream().anyMatch(node -> !(Boolean) node[1])) {
                skipped.add(root); // a sub-workflow still runs: its execution is kept until it ends
                continue;
            }
            tree.forEach(node -> doomed.add((UUID) node[0]));
        }
        if (doomed.isEmpty()) {
            return 0;
        }
        if (archive != null) {
            ByteArrayOutputStream lines = new ByteArrayOutputStream();
            for (UUID id : doomed) {
                Workflow w = store.find(id, true).orElseThrow();
                lines.writeBytes(json.write(w).getBytes(StandardCharsets.UTF_8));
                lines.write('\n');
            }
            archive.keep(tenant, DAY.format(clock.instant()) + "/" + UUID.randomUUID() + ".jsonl",
                    lines.toByteArray());
        }
        for (UUID id : doomed) {
            store.deleteWorkflow(id);
        }
        return doomed.size();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
