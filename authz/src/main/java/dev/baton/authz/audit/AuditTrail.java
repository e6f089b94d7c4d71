package dev.baton.authz.audit;

import dev.baton.authz.identity.Secrets;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The per-tenant, hash-chained, append-only audit trail.
 *
 * <p>An acknowledged call is never missing from the trail. The entry of a call that changed something is written
 * in the transaction of that change ({@link #writeWithin}), so the two commit together; the entry of a call that
 * changed nothing (refused, failed, a sign-in) is written by one writer thread in batches (group commit) while the
 * call waits. Either way the entry arrives unsealed, and the {@link AuditSealer} gives it its place in the tenant's
 * hash chain a moment later; reads seal what is waiting first.
 */
public final class AuditTrail implements AutoCloseable {

    /** The hash before the first entry of a tenant. */
    public static final String GENESIS = "0".repeat(64);

    /** An entry as stored: its place in the chain and the hashes that bind it there. */
    public record Recorded(Long seq, AuditEntry entry, String prevHash, String hash) {}

    /** Filters of a query; null means any. */
    public record Query(Instant from, Instant to, String actor, String action, String resource, int limit) {}

    /**
     * The result of walking a tenant's chain.
     *
     * @param unsealed entries recorded but not in the chain yet: calls still answering, or ones whose node stopped
     *     before sealing them (any node seals those within {@link AuditSealer#ANSWER_GRACE})
     */
    public record Verification(boolean valid, long entries, Long brokenAtSeq, UUID brokenEntryId, String reason,
            long unsealed) {}

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int BATCH = 500;

    private record Pending(AuditEntry entry, CompletableFuture<Void> done) {}

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(100_000);
    private final AuditSealer sealer;
    private final Thread writer;
    private volatile boolean running = true;

    /**
     * @param sealPace how long the sealer lets entries gather once woken, so that one commit seals many
     */
    public AuditTrail(TenantTransactions tx, JdbcClient jdbc, Clock clock, Duration sealPace) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.sealer = new AuditSealer(tx, jdbc, clock, sealPace);
        this.writer = Thread.ofPlatform().name("audit-writer").daemon().start(this::writeLoop);
    }

    /**
     * Writes the entry of a call in the current transaction, the one of the change it records, to commit with it.
     * The entry's outcome and status are the call's answer, which the caller gives through {@link #answered} once
     * it is known; until then (and for {@link AuditSealer#ANSWER_GRACE} at most) the entry is not sealed.
     */
    public void writeWithin(AuditEntry entry) {
        AuditEntry e = normalized(entry);
        insert(e, true);
        TenantTransactions.afterCommit(() -> sealer.committed(e));
    }

    /** The call whose entry {@link #writeWithin} wrote has answered with {@code status}. */
    public void answered(UUID entry, int status) {
        sealer.answered(entry, status);
    }

    /** Appends the entry and returns once it is committed. */
    public void record(AuditEntry entry) {
        Pending p = new Pending(normalized(entry), new CompletableFuture<>());
        try {
            if (!queue.offer(p, 5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the audit trail is not keeping up; entry not written: " + entry);
            }
            p.done().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the audit trail", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not write the audit entry " + entry, e);
        }
    }

    public List<Recorded> query(TenantId tenant, Query q) {
        sealer.sealBeforeRead(tenant);
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE true");
        List<Object> params = new ArrayList<>();
        filters(q, sql, params);
        sql.append(" ORDER BY seq DESC NULLS FIRST, at DESC LIMIT ?");
        params.add(q.limit());
        return tx.read(tenant, () -> jdbc.sql(sql.toString()).params(params).query((rs, n) -> read(tenant, rs))
                .list());
    }

    /** Streams matching entries oldest first, inside one read transaction. */
    public void export(TenantId tenant, Query q, Consumer<Recorded> sink) {
        sealer.sealBeforeRead(tenant);
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE true");
        List<Object> params = new ArrayList<>();
        filters(q, sql, params);
        sql.append(" ORDER BY seq NULLS LAST, at");
        tx.read(tenant, () -> {
            jdbc.sql(sql.toString()).params(params).query((ResultSet rs) -> {
                sink.accept(read(tenant, rs));
            });
            return null;
        });
    }

    /** Walks the tenant's whole chain and names the first entry that does not fit. */
    public Verification verify(TenantId tenant) {
        sealer.sealBeforeRead(tenant);
        return tx.read(tenant, () -> {
            long unsealed = jdbc.sql("SELECT count(*) FROM audit_log WHERE seq IS NULL").query(Long.class).single();
            long[] count = {0};
            String[] prev = {GENESIS};
            Verification[] broken = {null};
            jdbc.sql("SELECT * FROM audit_log WHERE seq IS NOT NULL ORDER BY seq").query((ResultSet rs) -> {
                if (broken[0] != null) {
                    return;
                }
                Recorded r = read(tenant, rs);
                long expectedSeq = count[0] + 1;
                if (r.seq() != expectedSeq) {
                    broken[0] = new Verification(false, count[0], expectedSeq, null,
                            "entry " + expectedSeq + " is missing (the next one is " + r.seq() + ")", unsealed);
                } else if (!r.prevHash().equals(prev[0])) {
                    broken[0] = new Verification(false, count[0], r.seq(), r.entry().id(),
                            "entry " + r.seq() + " does not follow its predecessor (prev_hash differs)", unsealed);
                } else if (!r.hash().equals(hash(r.prevHash(), r.entry(), r.seq()))) {
                    broken[0] = new Verification(false, count[0], r.seq(), r.entry().id(),
                            "entry " + r.seq() + " was altered (its hash does not match its fields)", unsealed);
                } else {
                    count[0]++;
                    prev[0] = r.hash();
                }
            });
            return broken[0] != null ? broken[0] : new Verification(true, count[0], null, null, null, unsealed);
        });
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.interrupt();
        writer.join(5_000);
        sealer.close();
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                if (!running) {
                    queue.drainTo(batch);
                    write(batch);
                    return;
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        Map<TenantId, List<Pending>> byTenant = new LinkedHashMap<>();
        for (Pending p : batch) {
            byTenant.computeIfAbsent(p.entry().tenant(), t -> new ArrayList<>()).add(p);
        }
        byTenant.forEach((tenant, entries) -> {
            try {
                // this one thread writes for every tenant: it must never wait behind one tenant's share
                TenantTransactions.unmetered(() -> {
                    tx.run(tenant, () -> entries.forEach(p -> insert(p.entry(), false)));
                    return null;
                });
                entries.forEach(p -> p.done().complete(null));
                sealer.written(tenant);
            } catch (RuntimeException e) {
                log.error("could not write {} audit entries of tenant {}", entries.size(), tenant.value(), e);
                entries.forEach(p -> p.done().completeExceptionally(e));
            }
        });
    }

    private void insert(AuditEntry e, boolean answerPending) {
        jdbc.sql("INSERT INTO audit_log (tenant_id, id, at, actor, actor_name, actor_kind, team, action, resource, "
                + "outcome, status, request_id, source_address, answer_pending) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(e.tenant().value(), e.id(), Timestamp.from(e.at()), e.actor(), e.actorName(), e.actorKind(),
                        e.team(), e.action(), e.resource(), e.outcome().name(), e.status(), e.requestId(),
                        e.sourceAddress(), answerPending)
                .update();
    }

    static String hash(String prevHash, AuditEntry e, long seq) {
        return Secrets.sha256(prevHash + JSON.writeValueAsString(e.hashedFields(seq)));
    }

    /** PostgreSQL keeps microseconds; the hash must cover exactly what is stored. */
    private static AuditEntry normalized(AuditEntry e) {
        return new AuditEntry(e.tenant(), e.id(), e.at().truncatedTo(ChronoUnit.MICROS), e.actor(), e.actorName(),
                e.actorKind(), e.team(), e.action(), e.resource(), e.outcome(), e.status(), e.requestId(),
                e.sourceAddress());
    }

    static Recorded read(TenantId tenant, ResultSet rs) throws SQLException {
        Integer status = (Integer) rs.getObject("status");
        AuditEntry e = new AuditEntry(tenant, rs.getObject("id", UUID.class),
                rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("actor"),
                rs.getString("actor_name"), rs.getString("actor_kind"), rs.getString("team"),
                rs.getString("action"), rs.getString("resource"),
                AuditEntry.Outcome.valueOf(rs.getString("outcome")), status, rs.getString("request_id"),
                rs.getString("source_address"));
        return new Recorded((Long) rs.getObject("seq"), e, rs.getString("prev_hash"), rs.getString("hash"));
    }

    private static void filters(Query q, StringBuilder sql, List<Object> params) {
        if (q.from() != null) {
            sql.append(" AND at >= ?");
            params.add(Timestamp.from(q.from()));
        }
        if (q.to() != null) {
            sql.append(" AND at < ?");
            params.add(Timestamp.from(q.to()));
        }
        if (q.actor() != null) {
            sql.append(" AND actor = ?");
            params.add(q.actor());
        }
        if (q.action() != null) {
            sql.append(" AND action = ?");
            params.add(q.action());
        }
        if (q.resource() != null) {
            // a resource and everything under it: /api/workflow/123 also finds /api/workflow/123/pause
            sql.append(" AND (resource = ? OR resource LIKE ? ESCAPE '\\')");
            params.add(q.resource());
            params.add(q.resource().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%");
        }
    }
}
