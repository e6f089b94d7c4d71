package dev.baton.schedules;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.Violation;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.schedules.internal.Cron;
import dev.baton.schedules.internal.ScheduleStore;
import dev.baton.tenancy.ResourceNames;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.scheduling.support.CronExpression;

/**
 * A tenant's schedules, as Conductor's scheduler API keeps them: saved (created or replaced), paused with a reason,
 * resumed from now, listed, searched and removed; each checked when saved (its cron expressions and zones, its
 * workflow, how often it fires) and bounded in number per tenant.
 */
public final class Schedules {

    /** Most times one preview answers. */
    public static final int MAX_PREVIEW = 100;

    private final TenantTransactions tx;
    private final ScheduleStore store;
    private final Clock clock;
    private final Limits limits;

    /** How many schedules a tenant may keep, and the shortest time between two fires of one. */
    public record Limits(int perTenant, Duration minInterval) {}

    public Schedules(TenantTransactions tx, ScheduleStore store, Clock clock, Limits limits) {
        this.tx = tx;
        this.store = store;
        this.clock = clock;
        this.limits = limits;
    }

    /** Creates or replaces a schedule; a new one is owned by {@code ownerTeam}. Answers it as kept. */
    public WorkflowSchedule save(TenantId tenant, WorkflowSchedule s, String ownerTeam, String by) {
        check(s);
        return tx.write(tenant, () -> {
            Optional<ScheduleStore.Stored> before = store.find(s.name());
            if (before.isEmpty() && store.count() >= limits.perTenant()) {
                throw EngineException.invalid("name", "a tenant may keep at most " + limits.perTenant()
                        + " schedules");
            }
            Instant now = clock.instant();
            Instant next = Cron.next(s, now, now);
            WorkflowSchedule kept = s.stamped(before.map(b -> b.schedule().createTime()).orElse(now.toEpochMilli()),
                    now.toEpochMilli(), before.map(b -> b.schedule().createdBy()).orElse(by), by,
                    next == null ? null : next.toEpochMilli(), s.paused(), s.paused() ? s.pausedReason() : null);
            store.upsert(tenant.value(), kept, before.map(ScheduleStore.Stored::ownerTeam).orElse(ownerTeam), next);
            return kept;
        });
    }

    public Optional<WorkflowSchedule> find(TenantId tenant, String name) {
        return tx.read(tenant, () -> store.find(name).map(Schedules::shown));
    }

    /** The team a schedule's workflows are started for. */
    public Optional<String> ownerTeam(TenantId tenant, String name) {
        return tx.read(tenant, () -> Optional.ofNullable(store.find(name).orElseThrow(() -> missing(name))
                .ownerTeam()));
    }

    public List<WorkflowSchedule> list(TenantId tenant, String workflowName) {
        return tx.read(tenant, () -> store.list(workflowName).stream().map(Schedules::shown).toList());
    }

    public void delete(TenantId tenant, String name) {
        tx.run(tenant, () -> {
            if (!store.delete(name)) {
                throw missing(name);
            }
        });
    }

    /** Pauses: nothing runs until it is resumed. */
    public void pause(TenantId tenant, String name, String reason) {
        tx.run(tenant, () -> {
            ScheduleStore.Stored s = store.find(name).orElseThrow(() -> missing(name));
            WorkflowSchedule w = s.schedule();
            store.upsert(tenant.value(), w.stamped(w.createTime(), clock.millis(), w.createdBy(), w.updatedBy(),
                    w.nextRunTime(), true, reason), s.ownerTeam(), s.nextRun());
        });
    }

    /** Resumes from now: times missed while paused are not run, whatever the catch-up setting. */
    public void resume(TenantId tenant, String name) {
        tx.run(tenant, () -> {
            ScheduleStore.Stored s = store.find(name).orElseThrow(() -> missing(name));
            WorkflowSchedule w = s.schedule();
            Instant now = clock.instant();
            Instant next = Cron.next(w, now, now);
            store.upsert(tenant.value(), w.stamped(w.createTime(), now.toEpochMilli(), w.createdBy(), w.updatedBy(),
                    next == null ? null : next.toEpochMilli(), false, null), s.ownerTeam(), next);
        });
    }

    /** The next {@code limit} times (epoch millis, UTC) {@code cron} names between the bounds. */
    public List<Long> preview(String cron, Long start, Long end, int limit) {
        if (limit < 1 || limit > MAX_PREVIEW) {
            throw EngineException.invalid("limit", "must be between 1 and " + MAX_PREVIEW);
        }
        CronExpression expression = parse(cron, "cronExpression");
        List<Long> times = new ArrayList<>();
        var t = (start == null ? clock.instant() : Instant.ofEpochMilli(start)).atZone(ZoneId.of("UTC"));
        while (times.size() < limit) {
            t = expression.next(t);
            if (t == null || end != null && t.toInstant().toEpochMilli() > end) {
                break;
            }
            times.add(t.toInstant().toEpochMilli());
        }
        return times;
    }

    /** Conductor's schedule search: by workflow, name (a part of it), paused, and words of the description. */
    public SearchResult<WorkflowSchedule> search(TenantId tenant, String workflowName, String scheduleName,
            Boolean paused, String freeText, int start, int size) {
        if (start < 0 || size < 1 || size > 1000) {
            throw EngineException.invalid(start < 0 ? "start" : "size", start < 0 ? "must be 0 or more"
                    : "must be between 1 and 1000");
        }
        String text = freeText == null || freeText.isBlank() || freeText.equals("*") ? null
                : freeText.toLowerCase(Locale.ROOT);
        List<WorkflowSchedule> all = list(tenant, workflowName).stream()
                .filter(s -> scheduleName == null || s.name().contains(scheduleName))
                .filter(s -> paused == null || paused.equals(s.paused()))
                .filter(s -> text == null || s.name().toLowerCase(Locale.ROOT).contains(text)
                        || s.description() != null && s.description().toLowerCase(Locale.ROOT).contains(text))
                .toList();
        return new SearchResult<>(all.size(), all.subList(Math.min(start, all.size()),
                Math.min(start + size, all.size())));
    }

    /** Fires of the tenant's schedules matching the filters, newest first. */
    public SearchResult<ScheduleExecution> executions(TenantId tenant, List<String> scheduleNames,
            List<String> states, List<String> workflowNames, Instant after, Instant before, int start, int size) {
        if (start < 0 || size < 1 || size > 1000) {
            throw EngineException.invalid(start < 0 ? "start" : "size", start < 0 ? "must be 0 or more"
                    : "must be between 1 and 1000");
        }
        return tx.read(tenant, () -> store.executions(scheduleNames, states, workflowNames, after, before, start,
                size));
    }

    private static WorkflowSchedule shown(ScheduleStore.Stored s) {
        WorkflowSchedule w = s.schedule();
        return w.stamped(w.createTime(), w.updatedTime(), w.createdBy(), w.updatedBy(),
                s.nextRun() == null ? null : s.nextRun().toEpochMilli(), w.paused(), w.pausedReason());
    }

    private static EngineException missing(String name) {
        return EngineException.notFound("no schedule named '" + name + "'");
    }

    /** Checks a schedule, naming every problem's field. */
    public void check(WorkflowSchedule s) {
        if (s == null) {
            throw EngineException.invalid("", "a schedule is required");
        }
        List<Violation> problems = new ArrayList<>();
        if (!ResourceNames.valid(s.name())) {
            problems.add(new Violation("name", "the name " + ResourceNames.RULE));
        }
        if (s.startWorkflowRequest() == null || s.startWorkflowRequest().name() == null
                || s.startWorkflowRequest().name().isBlank()) {
            problems.add(new Violation("startWorkflowRequest.name", "is required: the workflow to start"));
        } else if (s.startWorkflowRequest().workflowDef() != null) {
            problems.add(new Violation("startWorkflowRequest.workflowDef", "a schedule starts a registered "
                    + "workflow; register the definition and name it"));
        }
        if (s.cronSchedules().size() > 10) {
            problems.add(new Violation("cronSchedules", "at most 10 cron entries"));
        }
        List<WorkflowSchedule.CronSchedule> crons = s.effectiveCrons();
        if (crons.isEmpty()) {
            problems.add(new Violation("cronExpression", "is required (or cronSchedules)"));
        }
        for (int i = 0; i < crons.size(); i++) {
            String at = s.cronSchedules().isEmpty() ? "" : "cronSchedules[" + i + "].";
            WorkflowSchedule.CronSchedule c = crons.get(i);
            CronExpression expression = null;
            try {
                expression = parse(c.cronExpression(), at + "cronExpression");
            } catch (EngineException e) {
                problems.add(new Violation(at + "cronExpression", e.getMessage()));
            }
            ZoneId zone = null;
            try {
                zone = ZoneId.of(c.zoneId());
            } catch (DateTimeException e) {
                problems.add(new Violation(at + "zoneId", "'" + c.zoneId() + "' is not a time zone, like UTC or "
                        + "Europe/Paris"));
            }
            if (expression != null && zone != null) {
                tooOften(expression, zone).ifPresent(p -> problems.add(new Violation(at + "cronExpression", p)));
            }
        }
        if (s.scheduleStartTime() != null && s.scheduleEndTime() != null
                && s.scheduleEndTime() <= s.scheduleStartTime()) {
            problems.add(new Violation("scheduleEndTime", "must be after scheduleStartTime"));
        }
        if (!problems.isEmpty()) {
            throw EngineException.invalid(problems);
        }
    }

    /** Why {@code cron} fires too often, judged over its next 20 times; empty when it does not. */
    private Optional<String> tooOften(CronExpression cron, ZoneId zone) {
        var t = clock.instant().atZone(zone);
        for (int i = 0; i < 20; i++) {
            var next = cron.next(t);
            if (next == null) {
                break;
            }
            if (i > 0 && Duration.between(t, next).compareTo(limits.minInterval()) < 0) {
                return Optional.of("fires more often than every " + limits.minInterval().toSeconds()
                        + " s, the shortest interval allowed");
            }
            t = next;
        }
        return Optional.empty();
    }

    private static CronExpression parse(String cron, String field) {
        if (cron == null || cron.isBlank() || cron.length() > 200) {
            throw EngineException.invalid(field, "is required: six fields, seconds first, like '0 0 * * * *'");
        }
        try {
            return CronExpression.parse(cron);
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid(field, "'" + cron + "' is not a cron expression of six fields "
                    + "(seconds first, like '0 0 * * * *'): " + e.getMessage());
        }
    }
}
