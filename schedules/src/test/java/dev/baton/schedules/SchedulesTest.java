package dev.baton.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.Violation;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.schedules.internal.Cron;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulesTest {

    private static final Instant NOW = Instant.parse("2026-03-07T10:00:00Z");
    private final Schedules schedules = new Schedules(null, null, Clock.fixed(NOW, ZoneOffset.UTC),
            new Schedules.Limits(10, Duration.ofSeconds(10)));

    private static WorkflowSchedule schedule(String cron, String zone, Boolean catchUp, Long start, Long end) {
        return new WorkflowSchedule("nightly", cron, catchUp, null, null, StartWorkflowRequest.of("report", null,
                null), zone, null, start, end, null, null, null, null, null, null);
    }

    private static List<String> fields(Runnable check) {
        try {
            check.run();
        } catch (EngineException e) {
            return e.violations().stream().map(Violation::field).toList();
        }
        return List.of();
    }

    @Test
    void aScheduleFiringMoreOftenThanTheShortestIntervalIsRefused() {
        assertThat(fields(() -> schedules.check(schedule("*/5 * * * * *", null, null, null, null))))
                .containsExactly("cronExpression");
        assertThat(fields(() -> schedules.check(schedule("0 */1 * * * *", null, null, null, null)))).isEmpty();
    }

    @Test
    void malformedCronZoneAndBoundsAreRefusedNamingEachField() {
        assertThat(fields(() -> schedules.check(new WorkflowSchedule("bad name!", "0 0 25 * * *", null, null, null,
                null, "Mars/Olympus", null, 200L, 100L, null, null, null, null, null, null))))
                .containsExactlyInAnyOrder("name", "startWorkflowRequest.name", "cronExpression", "zoneId",
                        "scheduleEndTime");
        assertThat(fields(() -> schedules.check(schedule("0 0 * * *", null, null, null, null))))
                .as("five fields are not Conductor's six").containsExactly("cronExpression");
    }

    @Test
    void theNextRunIsInTheSchedulesZoneWithinItsBounds() {
        WorkflowSchedule india = schedule("0 30 9 * * *", "Asia/Kolkata", null, null, null);
        assertThat(Cron.next(india, NOW, NOW)).isEqualTo(Instant.parse("2026-03-08T04:00:00Z"));
        WorkflowSchedule later = schedule("0 0 * * * *", null, null, Instant.parse("2026-03-09T00:00:00Z")
                .toEpochMilli(), null);
        assertThat(Cron.next(later, NOW, NOW)).as("not before its start")
                .isEqualTo(Instant.parse("2026-03-09T00:00:00Z"));
        WorkflowSchedule ended = schedule("0 0 * * * *", null, null, null, NOW.plusSeconds(1800).toEpochMilli());
        assertThat(Cron.next(ended, NOW, NOW)).as("none after its end").isNull();
    }

    @Test
    void catchUpRunsEveryMissedTimeWhileOtherwiseTheNextRunIsFromNow() {
        Instant missed = NOW.minus(Duration.ofHours(3));
        WorkflowSchedule catchUp = schedule("0 0 * * * *", null, true, null, null);
        assertThat(Cron.next(catchUp, NOW, missed)).isEqualTo(missed.plus(Duration.ofHours(1)));
        WorkflowSchedule skip = schedule("0 0 * * * *", null, false, null, null);
        assertThat(Cron.next(skip, NOW, missed)).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void thePreviewListsTheNextTimesUpToItsEnd() {
        assertThat(schedules.preview("0 0 12 * * *", null, null, 3)).containsExactly(
                Instant.parse("2026-03-07T12:00:00Z").toEpochMilli(),
                Instant.parse("2026-03-08T12:00:00Z").toEpochMilli(),
                Instant.parse("2026-03-09T12:00:00Z").toEpochMilli());
        assertThat(schedules.preview("0 0 12 * * *", null, Instant.parse("2026-03-08T13:00:00Z").toEpochMilli(), 5))
                .hasSize(2);
        assertThatThrownBy(() -> schedules.preview("0 0 12 * * *", null, null, 101))
                .isInstanceOf(EngineException.class);
    }
}
