package dev.baton.schedules.internal;

import dev.baton.schedules.WorkflowSchedule;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.springframework.scheduling.support.CronExpression;

/** When a schedule runs next, as Conductor's scheduler computes it, over every one of its cron entries. */
public final class Cron {

    private Cron() {}

    /**
     * The next run after {@code last} (the time just run, or now for a new or resumed schedule): with catch-up,
     * the next time after {@code last} even if it is past; otherwise the next time after the later of now and
     * {@code last}, not before the schedule's start; null when there is none before its end.
     */
    public static Instant next(WorkflowSchedule s, Instant now, Instant last) {
        Instant earliest = null;
        for (WorkflowSchedule.CronSchedule c : s.effectiveCrons()) {
            Instant t = nextOf(s, CronExpression.parse(c.cronExpression()), ZoneId.of(c.zoneId()), now, last);
            if (t != null && (earliest == null || t.isBefore(earliest))) {
                earliest = t;
            }
        }
        return earliest;
    }

    private static Instant nextOf(WorkflowSchedule s, CronExpression cron, ZoneId zone, Instant now, Instant last) {
        ZonedDateTime next;
        if (s.runCatchupScheduleInstances()) {
            next = cron.next(last.atZone(zone));
        } else if (s.scheduleStartTime() != null && now.isBefore(Instant.ofEpochMilli(s.scheduleStartTime() - 500))) {
            // half a second early, so a start time that is itself a cron time is run
            next = cron.next(Instant.ofEpochMilli(s.scheduleStartTime() - 500).atZone(zone));
        } else {
            next = cron.next((now.isBefore(last) ? last : now).atZone(zone));
        }
        if (next == null) {
            return null;
        }
        if (s.scheduleEndTime() != null && next.toInstant().isAfter(Instant.ofEpochMilli(s.scheduleEndTime()))) {
            return null;
        }
        return next.toInstant();
    }
}
