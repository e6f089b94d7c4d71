package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.statistics.ExecutionFigures;
import dev.baton.engine.api.statistics.ExecutionStatistics;
import dev.baton.engine.api.statistics.StatisticsQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tenant's execution figures (the console's metrics page), limited to the workflows the caller may read:
 * everything for a tenant administrator, the executions of its teams' workflows for anyone else.
 */
@RestController
@RequestMapping("/api/metrics")
public class MetricsResource {

    private final ExecutionStatistics statistics;
    private final Guard guard;
    private final CurrentTenant tenant;
    private final Clock clock = Clock.systemUTC();

    public MetricsResource(ExecutionStatistics statistics, Guard guard, CurrentTenant tenant) {
        this.statistics = statistics;
        this.guard = guard;
        this.tenant = tenant;
    }

    /**
     * Workflows started, completed and failed per hour, durations per workflow type, the load on each task type and
     * the outliers, for the window {@code [from, to)} (by default the last 24 hours).
     */
    @GetMapping("/executions")
    ExecutionFigures executions(
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(required = false) List<String> workflowType,
            @RequestParam(defaultValue = "PT1H") Duration stuckAfter,
            @RequestParam(defaultValue = "10") int outliers) {
        Instant end = to == null ? clock.instant() : to;
        Instant start = from == null ? end.minus(Duration.ofHours(24)) : from;
        Set<String> types = workflowType == null || workflowType.isEmpty() ? null : new HashSet<>(workflowType);
        Optional<Set<String>> readable = guard.permitted(Permission.READ_EXECUTIONS, ResourceType.WORKFLOW_DEF);
        if (readable.isPresent()) {
            if (types == null) {
                types = readable.get();
            } else {
                types.retainAll(readable.get());
            }
        }
        return statistics.figures(tenant.get(), new StatisticsQuery(start, end, types, stuckAfter, outliers));
    }
}
