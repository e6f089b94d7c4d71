package dev.baton.schedules;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import java.util.List;

/**
 * A schedule in Conductor's JSON shape: it starts {@code startWorkflowRequest} at the times its cron expression
 * (Spring's six fields, seconds first) names in {@code zoneId}, or at those of every entry of
 * {@code cronSchedules}, between {@code scheduleStartTime} and {@code scheduleEndTime} (epoch millis). With
 * {@code runCatchupScheduleInstances}, times missed while it could not run are run one after another; otherwise the
 * next run is the next time from now. The times and {@code nextRunTime} are answered, not taken.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkflowSchedule(
        String name,
        String cronExpression,
        Boolean runCatchupScheduleInstances,
        Boolean paused,
        String pausedReason,
        StartWorkflowRequest startWorkflowRequest,
        String zoneId,
        List<CronSchedule> cronSchedules,
        Long scheduleStartTime,
        Long scheduleEndTime,
        Long createTime,
        Long updatedTime,
        String createdBy,
        String updatedBy,
        String description,
        Long nextRunTime) {

    /** Left out, the flags are false, the zone is UTC and there are no further cron entries, as in Conductor. */
    public WorkflowSchedule {
        runCatchupScheduleInstances = Boolean.TRUE.equals(runCatchupScheduleInstances);
        paused = Boolean.TRUE.equals(paused);
        zoneId = zoneId == null || zoneId.isBlank() ? "UTC" : zoneId;
        cronSchedules = cronSchedules == null ? List.of() : List.copyOf(cronSchedules);
    }

    /** One cron expression and its time zone (UTC when left out). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CronSchedule(String cronExpression, String zoneId) {
        public CronSchedule {
            zoneId = zoneId == null || zoneId.isBlank() ? "UTC" : zoneId;
        }
    }

    /** The cron entries that decide its times: {@code cronSchedules} when given, else the single expression. */
    public List<CronSchedule> effectiveCrons() {
        if (!cronSchedules.isEmpty()) {
            return cronSchedules;
        }
        return cronExpression == null ? List.of() : List.of(new CronSchedule(cronExpression, zoneId));
    }

    /** This schedule with the times and names the service keeps. */
    public WorkflowSchedule stamped(Long created, Long updated, String by, String updatedByWho, Long next,
            Boolean pausedNow, String reason) {
        return new WorkflowSchedule(name, cronExpression, runCatchupScheduleInstances, pausedNow, reason,
                startWorkflowRequest, zoneId, cronSchedules, scheduleStartTime, scheduleEndTime, created, updated, by,
                updatedByWho, description, next);
    }
}
