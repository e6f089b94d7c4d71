package dev.baton.authz.audit;

import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Extends each tenant's hash chain behind the entries written unsealed, in batches, so that no call waits for the
 * chain: a call's entry commits with the call's own change (or, for a call that changed nothing, in the trail's
 * group commit), and this gives it its place and hashes a moment later.
 *
 * <p>An entry written inside a change's transaction learns its call's final HTTP status only after the call has
 * answered; the sealer waits for that answer, for at most {@link #ANSWER_GRACE}, before it seals the entry as
 * stored. Entries another node wrote and never sealed (it stopped) are found by a periodic sweep and sealed here.
 * Nodes sealing at once take the tenant's advisory lock, so the chain stays one unbroken line.
 */
final class AuditSealer implements AutoCloseable {

    /** How long an entry waits for its call's answer before it is sealed without it. */
    static final Duration ANSWER_GRACE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(AuditSealer.class);
    private static final int BATCH = 1000;
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(10);
    private static final Duration READ_WAIT = Duration.ofSeconds(2);

    /** An entry committed inside a change whose call has not answered yet. */
    private static final class Awaiting {
        final TenantId tenant;
        final Instant since;
        volatile Integer status;

        Awaiting(TenantId tenant, Instant since) {
            this.tenant = tenant;
            this.since = since;
        }
    }

    private record Seal(UUID id, long seq, String prevHash, String hash, String outcome, Integer status) {}

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration pace;
    private final Map<UUID, Awaiting> awaiting = new ConcurrentHashMap<>();
    private final Set<TenantId> dirty = ConcurrentHashMap.newKeySet();
    private final Object signal = new Object();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param pace how long the sealer lets entries gather after it is woken, so one commit seals many
     */
    AuditSealer(TenantTransactions tx, JdbcClient jdbc, Clock clock, Duration pace) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.clock = clock;
        this.pace = pace;
        this.thread = Thread.ofPlatform().name("audit-sealer").daemon().start(this::loop);
    }

    /** An entry of a change has committed; its call has not answered yet. */
    void committed(AuditEntry entry) {
        awaiting.put(entry.id(), new Awaiting(entry.tenant(), clock.instant()));
    }

    /** The call of an entry committed inside its change has answered with {@code status}. */
    void answered(UUID entry, int status) {
        Awaiting a = awaiting.get(entry);
        if (a != null) {
            a.status = status;
            written(a.tenant);
        }
    }

    /** Entries of the tenant are waiting to be sealed. */
    void written(TenantId tenant) {
        dirty.add(tenant);
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * Seals what the tenant has waiting before a read of its trail, first giving the calls this node has committed
     * a moment to answer, so a read shows every acknowledged call in its place with its status.
     */
    void sealBeforeRead(TenantId tenant) {
        Instant now = clock.instant();
        long deadline = System.nanoTime() + READ_WAIT.toNanos();
        while (awaiting.values().stream().anyMatch(a -> a.tenant.equals(tenant) && a.status == null
                && !a.since.isAfter(now)) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        seal(tenant);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }

    private void loop() {
        Instant nextSweep = clock.instant();
        while (running) {
            try {
                synchronized (signal) {
                    if (dirty.isEmpty()) {
                        signal.wait(1_000);
                    }
                }
                Thread.sleep(pace.toMillis());
                Set<TenantId> tenants = new HashSet<>();
                for (TenantId t : dirty) {
                    dirty.remove(t);
                    tenants.add(t);
                }
                if (!clock.instant().isBefore(nextSweep)) {
                    nextSweep = clock.instant().plus(SWEEP_EVERY);
                    // every tenant with anything unsealed, this node's unanswered calls and stopped nodes' included
                    jdbc.sql("SELECT audit_unsealed_tenants()").query(String.class).list()
                            .forEach(t -> tenants.add(new TenantId(t)));
                }
                sealAll(tenants);
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException e) {
                log.error("audit sealer pass failed; will try again", e);
            }
        }
    }

    /**
     * Seals what the tenants have ready in one transaction, so that a pass over a hundred tenants costs one commit,
     * not a hundred; if that fails, tenant by tenant, so one tenant's trouble cannot hold up the others' chains.
     */
    private void sealAll(Set<TenantId> tenants) {
        if (tenants.isEmpty()) {
            return;
        }
        // every node takes the tenants' locks in one order, so two passes never wait on each other in a circle
        List<TenantId> ordered = tenants.stream().sorted(Comparator.comparing(TenantId::value)).toList();
        try {
            List<Seal> seals = new ArrayList<>();
            TenantTransactions.unmetered(() -> {
                tx.writeEach(ordered, tenant -> seals.addAll(sealIn(tenant)));
                return null;
            });
            seals.forEach(s -> awaiting.remove(s.id()));
        } catch (RuntimeException together) {
            for (TenantId tenant : ordered) {
                try {
                    seal(tenant);
                } catch (RuntimeException e) {
                    log.error("could not seal the audit entries of tenant {}; will try again", tenant.value(), e);
                    dirty.add(tenant);
                }
            }
        }
    }

    /** Seals the tenant's entries that are ready, oldest first; returns how many it sealed. */
    int seal(TenantId tenant) {
        List<Seal> seals = TenantTransactions.unmetered(() -> tx.write(tenant, () -> sealIn(tenant)));
        seals.forEach(s -> awaiting.remove(s.id()));
        return seals.size();
    }

    /** Seals the tenant's ready entries in the current transaction, which is bound to that tenant. */
    private List<Seal> sealIn(TenantId tenant) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended('audit:' || ?, 0))").param(tenant.value())
                .query((ResultSet rs) -> { });
        record Head(long seq, String hash) {}
        Head head = jdbc.sql("SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash"))).optional()
                .orElse(new Head(0, AuditTrail.GENESIS));
        record Unsealed(AuditEntry entry, boolean answerPending) {}
        List<Unsealed> unsealed = jdbc.sql("SELECT * FROM audit_log WHERE seq IS NULL ORDER BY at, id LIMIT "
                + BATCH).query((rs, n) -> new Unsealed(AuditTrail.read(tenant, rs).entry(),
                        rs.getBoolean("answer_pending"))).list();
        Instant now = clock.instant();
        long seq = head.seq();
        String prev = head.hash();
        List<Seal> batch = new ArrayList<>();
        for (Unsealed u : unsealed) {
            AuditEntry e = u.answerPending() ? withAnswer(u.entry(), now) : u.entry();
            if (e == null) {
                continue; // its answer marks the tenant again; if none comes, the sweep finds it after the grace
            }
            seq++;
            String hash = AuditTrail.hash(prev, e, seq);
            batch.add(new Seal(e.id(), seq, prev, hash, e.outcome().name(), e.status()));
            prev = hash;
        }
        if (!batch.isEmpty()) {
            jdbc.sql("SELECT audit_seal(?, ?, ?, ?, ?, ?)")
                    .params(batch.stream().map(Seal::id).toArray(UUID[]::new),
                            batch.stream().map(Seal::seq).toArray(Long[]::new),
                            batch.stream().map(Seal::prevHash).toArray(String[]::new),
                            batch.stream().map(Seal::hash).toArray(String[]::new),
                            batch.stream().map(Seal::outcome).toArray(String[]::new),
                            batch.stream().map(Seal::status).toArray(Integer[]::new))
                    .query(Integer.class).single();
        }
        if (unsealed.size() == BATCH) {
            dirty.add(tenant);
        }
        return batch;
    }

    /**
     * An entry written inside a change, as it is to be sealed: with its call's answer, or as stored once it has
     * waited long enough for one; null while it should wait.
     */
    private AuditEntry withAnswer(AuditEntry stored, Instant now) {
        Awaiting a = awaiting.get(stored.id());
        Integer status = a != null ? a.status : null;
        boolean waitedEnough = !now.isBefore((a != null ? a.since : stored.at()).plus(ANSWER_GRACE));
        if (status == null) {
            // written inside a change whose call has not answered (on this node or another): seal it as stored
            // once it has waited long enough, since the change it records has committed
            return waitedEnough ? stored : null;
        }
        return stored.answered(status);
    }
}
