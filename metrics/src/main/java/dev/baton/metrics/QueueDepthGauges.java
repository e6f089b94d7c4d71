package dev.baton.metrics;

import dev.baton.engine.api.Leadership;
import dev.baton.engine.api.QueueDepths;
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
 * Ready tasks per tenant, for workers and for the server, read from PostgreSQL every {@code interval} by the node that
 * leads {@value #ROLE}: the figure is the installation's, so one node reports it and the others report none (a sum
 * over nodes stays right). Tenants past the tag cap are added up under {@code other}.
 */
public final class QueueDepthGauges implements AutoCloseable {

    /** The leadership role of the node that reports installation-wide gauges. */
    public static final String ROLE = "metrics";

    private static final Logger LOG = LoggerFactory.getLogger(QueueDepthGauges.class);

    private final QueueDepths depths;
    private final Leadership leadership;
    private final CappedTags tenants;
    private final Duration interval;
    private final MultiGauge gauge;
    private ScheduledExecutorService timer;

    public QueueDepthGauges(MeterRegistry registry, QueueDepths depths, Leadership leadership, CappedTags tenants,
            Duration interval) {
        this.depths = depths;
        this.leadership = leadership;
        this.tenants = tenants;
        this.interval = interval;
        this.gauge = MultiGauge.builder("baton.queue.depth")
                .description("Tasks ready and waiting to be taken, by tenant and by who runs them (worker, server)")
                .register(registry);
    }

    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("baton-queue-depths").daemon()
                .factory());
        timer.scheduleWithFixedDelay(this::refreshQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the depths now when this node leads {@value #ROLE}; forgets them when it does not. */
    public void refresh() {
        if (!leadership.leads(ROLE)) {
            gauge.register(List.of(), true);
            return;
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
            LOG.warn("queue depths were not read: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
