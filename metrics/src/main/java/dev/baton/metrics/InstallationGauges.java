package dev.baton.metrics;

import dev.baton.engine.api.Leadership;
import dev.baton.engine.api.QueueDepths;
import dev.baton.engine.api.SearchIndexing;
import dev.baton.listeners.StatusListeners;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Figures of the whole installation, read every {@code interval} by the node that leads {@value #ROLE}, which alone
 * reports them (a sum over nodes stays right): ready tasks per tenant, for workers and for the server (tenants past
 * the tag cap added up under {@code other}), and, when there is an execution index, how many changes wait for it,
 * how old the oldest is, and whether it answers; and the status listeners' deliveries waiting and dead.
 */
public final class InstallationGauges implements AutoCloseable {

    /** The leadership role of the node that reports installation-wide gauges. */
    public static final String ROLE = "metrics";

    private static final Logger LOG = LoggerFactory.getLogger(InstallationGauges.class);

    private final QueueDepths depths;
    private final Leadership leadership;
    private final CappedTags tenants;
    private final Duration interval;
    private final MultiGauge gauge;
    private final SearchIndexing search;
    private final MultiGauge searchGauges;
    private final StatusListeners listeners;
    private final MultiGauge listenerGauges;
    private ScheduledExecutorService timer;

    /**
     * @param search the execution index's state, or null when the platform has no index
     * @param listeners the status listeners, whose deliveries' backlog is reported; null when there are none
     */
    public InstallationGauges(MeterRegistry registry, QueueDepths depths, SearchIndexing search,
            StatusListeners listeners, Leadership leadership, CappedTags tenants, Duration interval) {
        this.depths = depths;
        this.search = search;
        this.listeners = listeners;
        this.listenerGauges = MultiGauge.builder("baton.listener.backlog")
                .description("Status listeners' deliveries: waiting to be sent (pending), dead letters (dead), and "
                        + "seconds the oldest due one is late (late_seconds)")
                .register(registry);
        this.searchGauges = MultiGauge.builder("baton.search.index")
                .description("The execution index: changes waiting to be written (waiting), seconds the oldest has "
                        + "waited (lag_seconds), and whether searches reach it (answering, 1 or 0)")
                .register(registry);
        this.leadership = leadership;
        this.tenants = tenants;
        this.interval = interval;
        this.gauge = MultiGauge.builder("baton.queue.depth")
                .description("Tasks ready and waiting to be taken, by tenant and by who runs them (worker, server)")
                .register(registry);
    }

    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("baton-installation-gauges")
                .daemon().factory());
        timer.scheduleWithFixedDelay(this::refreshQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the depths now when this node leads {@value #ROLE}; forgets them when it does not. */
    public void refresh() {
        if (!leadership.leads(ROLE)) {
            gauge.register(List.of(), true);
            searchGauges.register(List.of(), true);
            listenerGauges.register(List.of(), true);
            return;
        }
        if (listeners != null) {
            StatusListeners.Backlog backlog = listeners.backlog(java.time.Instant.now());
            listenerGauges.register(List.of(
                    MultiGauge.Row.of(Tags.of("figure", "pending"), backlog.pending()),
                    MultiGauge.Row.of(Tags.of("figure", "dead"), backlog.dead()),
                    MultiGauge.Row.of(Tags.of("figure", "late_seconds"), backlog.late().toMillis() / 1000.0)), true);
        }
        SearchIndexing.Status index = search == null ? null : search.status();
        if (index != null) {
            searchGauges.register(List.of(
                    MultiGauge.Row.of(Tags.of("kind", index.kind(), "figure", "waiting"), index.waiting()),
                    MultiGauge.Row.of(Tags.of("kind", index.kind(), "figure", "lag_seconds"),
                            index.lag().toMillis() / 1000.0),
                    MultiGauge.Row.of(Tags.of("kind", index.kind(), "figure", "answering"),
                            index.answering() ? 1 : 0)), true);
        }
        Map<String, long[]> byTag = new TreeMap<>();
        for (QueueDepths.Depth d : depths.all()) {
            long[] sums = byTag.computeIfAbsent(tenants.of(d.tenant().value()), t -> new long[2]);
            sums[0] += d.workerReady();
            sums[1] += d.serverReady();
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        byTag.forEach((tenant, sums) -> {
            rows.add(MultiGauge.Row.of(Tags.of("tenant", tenant, "runner", "worker"), sums[0]));
            rows.add(MultiGauge.Row.of(Tags.of("tenant", tenant, "runner", "server"), sums[1]));
        });
        gauge.register(rows, true);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("the installation's figures were not read: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
