package dev.baton.engine.internal.search;

import dev.baton.engine.api.Leadership;
import dev.baton.engine.api.SearchIndexing;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.engine.spi.ExecutionIndex;
import dev.baton.tenancy.TenantId;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes what the outbox noted (V30) to the execution index, on the node that leads {@value #ROLE}: the oldest
 * {@code batch} workflows at a time, one bulk request each, then deletes the outbox rows it wrote (a workflow changed
 * meanwhile keeps its row). While the index fails, the rows wait and the feed tries again, backing off to 30 s;
 * workflows never wait for it, since the outbox is written in their own transactions and read only here.
 */
public final class SearchFeed implements SearchIndexing, AutoCloseable {

    /** The leadership role of the node that feeds the index. */
    public static final String ROLE = "search";

    private static final Logger LOG = LoggerFactory.getLogger(SearchFeed.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final ExecutionIndex index;
    private final IndexedSearch searches;
    private final Leadership leadership;
    private final Clock clock;
    private final Duration idle;
    private final int batch;
    private volatile boolean closed;
    private volatile boolean prepared;
    private volatile String lastError;
    private Thread thread;

    /** @param index the index to feed, or null when none is configured (then the feed does nothing) */
    public SearchFeed(JdbcClient jdbc, ExecutionIndex index, IndexedSearch searches, Leadership leadership,
            Clock clock, Duration idle, int batch) {
        this.jdbc = jdbc;
        this.index = index;
        this.searches = searches;
        this.leadership = leadership;
        this.clock = clock;
        this.idle = idle;
        this.batch = batch;
    }

    /** Starts feeding, when there is an index to feed. */
    public void start() {
        if (index == null) {
            return;
        }
        thread = Thread.ofPlatform().name("baton-search-feed").daemon().start(this::run);
    }

    private void run() {
        Duration backoff = idle;
        while (!closed) {
            try {
                if (!leadership.leads(ROLE)) {
                    pause(idle);
                    continue;
                }
                if (!prepared) {
                    index.prepare();
                    prepared = true;
                }
                int written = round();
                lastError = null;
                backoff = idle;
                if (written < batch) {
                    pause(idle);
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                if (lastError == null) {
                    LOG.warn("the execution index could not be written; the outbox keeps the changes: {}",
                            e.toString());
                }
                lastError = e.toString();
                prepared = false;
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Writes one batch of the oldest noted workflows; returns how many outbox rows it read. */
    int round() {
        List<Noted> noted = jdbc.sql("SELECT * FROM search_feed_batch(?)").param(batch).query(SearchFeed::noted)
                .list();
        if (noted.isEmpty()) {
            return 0;
        }
        List<ExecutionIndex.Document> documents = new ArrayList<>();
        List<ExecutionIndex.Removal> removals = new ArrayList<>();
        for (Noted n : noted) {
            if (n.document() != null) {
                documents.add(n.document());
            } else {
                removals.add(new ExecutionIndex.Removal(n.tenant(), n.workflowId().toString()));
            }
        }
        index.write(documents, removals);
        jdbc.sql("SELECT search_feed_done(?, ?)")
                .params(noted.stream().map(Noted::workflowId).toArray(UUID[]::new),
                        noted.stream().map(Noted::version).toArray(Long[]::new))
                .query(Integer.class).single();
        return noted.size();
    }

    @Override
    public Status status() {
        if (index == null) {
            return null;
        }
        Object[] backlog = jdbc.sql("SELECT waiting, oldest FROM search_feed_backlog()")
                .query((rs, i) -> new Object[] {rs.getLong(1), rs.getTimestamp(2)}).single();
        Timestamp oldest = (Timestamp) backlog[1];
        Duration lag = oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), clock.instant());
        boolean answering = lastError == null && searches.answering();
        return new Status(index.kind(), answering, (Long) backlog[0], lag.isNegative() ? Duration.ZERO : lag,
                lastError);
    }

    @Override
    public long rebuild() {
        if (index == null) {
            throw new IllegalStateException("no execution index is configured (baton.search.url)");
        }
        return jdbc.sql("SELECT search_feed_refill()").query(Long.class).single();
    }

    private record Noted(UUID workflowId, TenantId tenant, long version, ExecutionIndex.Document document) {}

    private static Noted noted(ResultSet rs, int row) throws SQLException {
        UUID id = rs.getObject("workflow_id", UUID.class);
        TenantId tenant = TenantId.of(rs.getString("tenant_id"));
        long version = rs.getLong("outbox_version");
        if (!rs.getBoolean("present")) {
            return new Noted(id, tenant, version, null);
        }
        Instant created = rs.getTimestamp("created_at").toInstant();
        Instant updated = rs.getTimestamp("updated_at").toInstant();
        Timestamp ended = rs.getTimestamp("ended_at");
        Array failed = rs.getArray("failed_ref_names");
        WorkflowSummary summary = new WorkflowSummary(rs.getString("name"), rs.getInt("version"), id.toString(),
                rs.getString("correlation_id"), created.toString(), updated.toString(),
                ended == null ? null : ended.toInstant().toString(), WorkflowStatus.valueOf(rs.getString("status")),
                rs.getString("input"), rs.getString("output"), rs.getString("reason"),
                ended == null ? 0 : ended.toInstant().toEpochMilli() - created.toEpochMilli(),
                String.join(",", (String[]) failed.getArray()), rs.getInt("priority"), rs.getString("created_by"));
        return new Noted(id, tenant, version, new ExecutionIndex.Document(tenant, summary,
                ExecutionIndex.micros(created), ExecutionIndex.micros(updated),
                ended == null ? null : ExecutionIndex.micros(ended.toInstant()), rs.getString("search_text")));

    }

    private void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
        if (index != null) {
            index.close();
        }
    }
}
