package dev.baton.authz.audit;

import dev.baton.authz.identity.Secrets;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
 * <p>Entries are written by one writer thread in batches (group commit): a request waits until its entry is
 * committed, so an acknowledged call is never missing from the trail, while many concurrent calls share a commit.
 * Within a tenant the chain is extended under a transaction-scoped advisory lock, so nodes writing at once still
 * produce one unbroken chain.
 */
public final class AuditTrail implements AutoCloseable {

    /** The hash before the first entry of a tenant. */
    public static final String GENESIS = "0".repeat(64);

    /** An entry as stored: its place in the chain and the hashes that bind it there. */
    public record Recorded(long seq, AuditEntry entry, String prevHash, String hash) {}

    /** Filters of a query; null means any. */
    public record Query(Instant from, Instant to, String actor, String action, String resource, int limit) {}

    /** The result of walking a tenant's chain. */
    public record Verification(boolean valid, long entries, Long brokenAtSeq, UUID brokenEntryId, String reason) {}

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int BATCH = 500;

    private record Pending(AuditEntry entry, CompletableFuture<Void> done) {}

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(100_000);
    private final Thread writer;
    private volatile boolean running = true;

    public AuditTrail(TenantTransactions tx, JdbcClient jdbc) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.writer = Thread.ofPlatform().name("audit-writer").daemon().start(this::writeLoop);
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
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE true");
        List<Object> params = new ArrayList<>();
        filters(q, sql, params);
        sql.append(" ORDER BY seq DESC LIMIT ?");
        params.add(q.limit());
        return tx.read(tenant, () -> jdbc.sql(sql.toString()).params(params).query((rs, n) -> read(tenant, rs))
                .list());
    }

    /** Streams matching entries oldest first, inside one read transaction. */
    public void export(TenantId tenant, Query q, Consumer<Recorded> sink) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE true");
        List<Object> params = new ArrayList<>();
        filters(q, sql, params);
        sql.append(" ORDER BY seq");
        tx.read(tenant, () -> {
            jdbc.sql(sql.toString()).params(params).query((ResultSet rs) -> {
                sink.accept(read(tenant, rs));
            });
            return null;
        });
    }

    /** Walks the tenant's whole chain and names the first entry that does not fit. */
    public Verification verify(TenantId tenant) {
        return tx.read(tenant, () -> {
            long[] count = {0};
            String[] prev = {GENESIS};
            Verification[] broken = {null};
            jdbc.sql("SELECT * FROM audit_log ORDER BY seq").query((ResultSet rs) -> {
                if (broken[0] != null) {
                    return;
                }
                Recorded r = read(tenant, rs);
                long expectedSeq = count[0] + 1;
                if (r.seq() != expectedSeq) {
                    broken[0] = new Verification(false, count[0], expectedSeq, null,
                            "entry " + expectedSeq + " is missing (the next one is " + r.seq() + ")");
                } else if (!r.prevHash().equals(prev[0])) {
                    broken[0] = new Verification(false, count[0], r.seq(), r.entry().id(),
                            "entry " + r.seq() + " does not follow its predecessor (prev_hash differs)");
                } else if (!r.hash().equals(hash(r.prevHash(), r.entry(), r.seq()))) {
                    broken[0] = new Verification(false, count[0], r.seq(), r.entry().id(),
                            "entry " + r.seq() + " was altered (its hash does not match its fields)");
                } else {
                    count[0]++;
                    prev[0] = r.hash();
                }
            });
            return broken[0] != null ? broken[0] : new Verification(true, count[0], null, null, null);
        });
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.interrupt();
        writer.join(5_000);
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
                    tx.run(tenant, () -> append(tenant, entries));
                    return null;
                });
                entries.forEach(p -> p.done().complete(null));
            } catch (RuntimeException e) {
                log.error("could not write {} audit entries of tenant {}", entries.size(), tenant.value(), e);
                entries.forEach(p -> p.done().completeExceptionally(e));
            }
        });
    }

    private void append(TenantId tenant, List<Pending> entries) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended('audit:' || ?, 0))").param(tenant.value())
                .query((ResultSet rs) -> { });
        record Head(long seq, String hash) {}
        Head head = jdbc.sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash"))).optional()
                .orElse(new Head(0, GENESIS));
        long seq = head.seq();
        String prev = head.hash();
        for (Pending p : entries) {
            AuditEntry e = p.entry();
            seq++;
            String hash = hash(prev, e, seq);
            jdbc.sql("INSERT INTO audit_log (tenant_id, seq, id, at, actor, actor_name, actor_kind, team, action, "
                    + "resource, outcome, status, request_id, source_address, prev_hash, hash) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(tenant.value(), seq, e.id(), Timestamp.from(e.at()), e.actor(), e.actorName(),
                            e.actorKind(), e.team(), e.action(), e.resource(), e.outcome().name(), e.status(),
                            e.requestId(), e.sourceAddress(), prev, hash)
                    .update();
            prev = hash;
        }
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

    private static Recorded read(TenantId tenant, ResultSet rs) throws SQLException {
        Integer status = (Integer) rs.getObject("status");
        AuditEntry e = new AuditEntry(tenant, rs.getObject("id", UUID.class),
                rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("actor"),
                rs.getString("actor_name"), rs.getString("actor_kind"), rs.getString("team"),
                rs.getString("action"), rs.getString("resource"),
                AuditEntry.Outcome.valueOf(rs.getString("outcome")), status, rs.getString("request_id"),
                rs.getString("source_address"));
        return new Recorded(rs.getLong("seq"), e, rs.getString("prev_hash"), rs.getString("hash"));
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
