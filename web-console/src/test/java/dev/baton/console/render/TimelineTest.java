package dev.baton.console.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineTest {

    @Test
    void attemptsArePlacedOnOneTimeAxisWithTheirQueuedAndRunningParts() {
        List<Map<String, Object>> tasks = List.of(
                Map.of("referenceTaskName", "b", "status", "COMPLETED", "scheduledTime", 2000L, "startTime", 3000L,
                        "endTime", 5000L, "taskId", "t2", "attempt", 2),
                Map.of("referenceTaskName", "a", "status", "FAILED", "scheduledTime", 1000L, "startTime", 1000L,
                        "endTime", 2000L, "taskId", "t1", "attempt", 1));
        Timeline t = Timeline.of(tasks, 9000L);

        assertThat(t.rows()).extracting(Timeline.Row::label).containsExactly("a", "b (attempt 2)");
        double perMilli = Timeline.CHART_W / 4000.0;
        Timeline.Row b = t.rows().get(1);
        assertThat(b.waitX()).isEqualTo(Timeline.LABEL_W + 1000 * perMilli);
        assertThat(b.startX()).isEqualTo(Timeline.LABEL_W + 2000 * perMilli);
        assertThat(b.endX()).isEqualTo(Timeline.LABEL_W + 4000 * perMilli);
        assertThat(b.duration()).isEqualTo("2.0 s");
        assertThat(t.ticks()).extracting(Timeline.Tick::label).containsExactly("0 ms", "1.0 s", "2.0 s", "3.0 s",
                "4.0 s");
    }

    @Test
    void aRunningAttemptReachesNow() {
        Timeline t = Timeline.of(List.of(Map.of("referenceTaskName", "a", "status", "IN_PROGRESS", "scheduledTime",
                1000L, "startTime", 1500L, "taskId", "t1")), 3000L);
        assertThat(t.rows().get(0).endX()).isEqualTo(Timeline.LABEL_W + Timeline.CHART_W);
    }

    @Test
    void durationsReadAsPeopleReadThem() {
        assertThat(Timeline.human(850)).isEqualTo("850 ms");
        assertThat(Timeline.human(4200)).isEqualTo("4.2 s");
        assertThat(Timeline.human(185_000)).isEqualTo("3 min 5 s");
        assertThat(Timeline.human(7_440_000)).isEqualTo("2 h 4 min");
    }
}
