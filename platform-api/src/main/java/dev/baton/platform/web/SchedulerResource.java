package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.execution.BulkResponse;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.schedules.ScheduleExecution;
import dev.baton.schedules.Schedules;
import dev.baton.schedules.WorkflowSchedule;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Conductor's scheduler API. A schedule is owned by a team like a definition, and starts its workflow for that
 * team: saving one needs the right to change it and its team's right to run the workflow; pausing and resuming are
 * operations, like pausing an execution.
 */
@RestController
@RequestMapping("/api/scheduler")
public class SchedulerResource {

    private final Schedules schedules;
    private final CurrentTenant tenant;
    private final Guard guard;
    private final TeamCompositionPolicy composition;
    private final TenantTransactions tx;

    public SchedulerResource(Schedules schedules, CurrentTenant tenant, Guard guard,
            TeamCompositionPolicy composition, TenantTransactions tx) {
        this.schedules = schedules;
        this.tenant = tenant;
        this.guard = guard;
        this.composition = composition.fresh();
        this.tx = tx;
    }

    @PostMapping("/schedules")
    WorkflowSchedule save(@RequestBody WorkflowSchedule schedule, @RequestParam(required = false) String team) {
        schedules.check(schedule);
        TenantId t = tenant.get();
        boolean exists = schedules.find(t, schedule.name()).isPresent();
        Optional<String> claim = guard.beforeWriting(ResourceType.SCHEDULE, schedule.name(), exists, team);
        String owner = claim.orElseGet(() -> schedules.ownerTeam(t, schedule.name()).orElse(null));
        if (owner != null) {
            composition.refuseStart(t, owner, schedule.startWorkflowRequest().name(), false).ifPresent(reason -> {
                throw new AccessDeniedException("missing permission: startWorkflowRequest: " + reason);
            });
        }
        return tx.write(t, () -> {
            WorkflowSchedule kept = schedules.save(t, schedule, owner, tenant.caller().subject());
            claim.ifPresent(o -> guard.claim(ResourceType.SCHEDULE, schedule.name(), o));
            return kept;
        });
    }

    @GetMapping("/schedules")
    List<WorkflowSchedule> list(@RequestParam(required = false) String workflowName) {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.SCHEDULE);
        return schedules.list(tenant.get(), workflowName == null || workflowName.isBlank() ? null : workflowName)
                .stream().filter(s -> readable.test(s.name())).toList();
    }

    @GetMapping("/schedules/search")
    SearchResult<WorkflowSchedule> search(@RequestParam(required = false) String workflowName,
            @RequestParam(required = false) String scheduleName, @RequestParam(required = false) Boolean paused,
            @RequestParam(defaultValue = "*") String freeText, @RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "100") int size) {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.SCHEDULE);
        SearchResult<WorkflowSchedule> all = schedules.search(tenant.get(), workflowName, scheduleName, paused,
                freeText, 0, 1000);
        List<WorkflowSchedule> visible = all.results().stream().filter(s -> readable.test(s.name())).toList();
        if (start < 0 || size < 1 || size > 1000) {
            throw EngineException.invalid(start < 0 ? "start" : "size", "start must be 0 or more, size 1 to 1000");
        }
        return new SearchResult<>(visible.size(), visible.subList(Math.min(start, visible.size()),
                Math.min(start + size, visible.size())));
    }

    @GetMapping("/schedules/{name}")
    WorkflowSchedule get(@PathVariable String name) {
        WorkflowSchedule s = schedules.find(tenant.get(), name).orElseThrow(() -> EngineException.notFound(
                "no schedule named '" + name + "'"));
        guard.require(Permission.READ_DEFINITION, ResourceType.SCHEDULE, name);
        return s;
    }

    @DeleteMapping("/schedules/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String name) {
        TenantId t = tenant.get();
        schedules.ownerTeam(t, name);
        guard.require(Permission.CHANGE_DEFINITION, ResourceType.SCHEDULE, name);
        tx.run(t, () -> {
            schedules.delete(t, name);
            guard.release(ResourceType.SCHEDULE, name);
        });
    }

    @GetMapping("/schedules/{name}/pause")
    void pause(@PathVariable String name, @RequestParam(required = false) String reason) {
        operable(name);
        schedules.pause(tenant.get(), name, reason);
    }

    @GetMapping("/schedules/{name}/resume")
    void resume(@PathVariable String name) {
        operable(name);
        schedules.resume(tenant.get(), name);
    }

    @PutMapping("/bulk/pause")
    BulkResponse pauseAll(@RequestBody List<String> names) {
        return each(names, name -> schedules.pause(tenant.get(), name, null));
    }

    @PutMapping("/bulk/resume")
    BulkResponse resumeAll(@RequestBody List<String> names) {
        return each(names, name -> schedules.resume(tenant.get(), name));
    }

    /** The next times (epoch millis) a cron expression names, UTC, as Conductor previews them. */
    @GetMapping("/nextFewSchedules")
    List<Long> nextFew(@RequestParam String cronExpression, @RequestParam(required = false) Long scheduleStartTime,
            @RequestParam(required = false) Long scheduleEndTime, @RequestParam(defaultValue = "5") int limit) {
        return schedules.preview(cronExpression, scheduleStartTime, scheduleEndTime, limit);
    }

    /**
     * Conductor's search of fires: the query takes {@code scheduleName}, {@code state}, {@code workflowName}
     * ({@code IN (...)} or {@code =}) and {@code scheduledTime} ({@code >} or {@code <} epoch millis), joined by AND.
     */
    @GetMapping("/search/executions")
    SearchResult<ScheduleExecution> executions(@RequestParam(required = false) String query,
            @RequestParam(defaultValue = "*") String freeText, @RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "100") int size) {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        Instant[] range = new Instant[2];
        SearchQueryParser.clauses(query).forEach(c -> {
            switch (c.field()) {
                case "scheduleName", "state", "workflowName" ->
                        lists.computeIfAbsent(c.field(), k -> new ArrayList<>()).addAll(c.values());
                case "scheduledTime" -> {
                    Instant at = SearchQueryParser.millis(c);
                    range[0] = c.op().equals("<") ? range[0] : at;
                    range[1] = c.op().equals(">") ? range[1] : at;
                }
                default -> throw EngineException.invalid("query", "cannot search fires by '" + c.field()
                        + "'; use scheduleName, state, workflowName or scheduledTime");
            }
        });
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.SCHEDULE);
        List<String> names = lists.get("scheduleName");
        Optional<java.util.Set<String>> permitted = guard.permitted(Permission.READ_DEFINITION,
                ResourceType.SCHEDULE);
        if (permitted.isPresent()) {
            names = (names == null ? List.copyOf(permitted.get()) : names.stream().filter(readable).toList());
            if (names.isEmpty()) {
                return new SearchResult<>(0, List.of());
            }
        }
        return schedules.executions(tenant.get(), names, lists.get("state"), lists.get("workflowName"), range[0],
                range[1], start, size);
    }

    private void operable(String name) {
        schedules.ownerTeam(tenant.get(), name);
        guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.SCHEDULE, name);
    }

    private BulkResponse each(List<String> names, java.util.function.Consumer<String> operation) {
        if (names == null || names.isEmpty() || names.size() > WorkflowBulkResource.MAX_IDS) {
            throw EngineException.invalid("", "a list of 1 to " + WorkflowBulkResource.MAX_IDS
                    + " schedule names is required");
        }
        Map<String, String> errors = new LinkedHashMap<>();
        List<String> done = new ArrayList<>();
        for (String name : names) {
            try {
                operable(name);
                operation.accept(name);
                done.add(name);
            } catch (EngineException | AccessDeniedException e) {
                errors.put(String.valueOf(name), e.getMessage());
            }
        }
        return new BulkResponse(errors, done);
    }
}
