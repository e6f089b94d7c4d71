package dev.baton.console.render;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * An execution's task attempts on a time axis (a Gantt chart): one row per attempt, from when it was scheduled (a
 * thin bar while it waited) and started to when it ended, or to now while it runs.
 *
 * @param ticks labelled positions on the time axis, milliseconds from the first schedule
 */
public record Timeline(double width, double height, List<Row> rows, List<Tick> ticks, double labelWidth) {

    static final double ROW_H = 24;
    static final double LABEL_W = 220;
    static final double CHART_W = 760;
    static final int MOST_ROWS = 500;

    /** One attempt: where its waiting and running bars lie. */
    public record Row(double y, String label, String status, double waitX, double startX, double endX,
            String taskId, String duration) {

        public double waitWidth() {
            return Math.max(0, startX - waitX);
        }

        public double runWidth() {
            return Math.max(2, endX - startX);
        }
    }

    /** A mark on the time axis. */
    public record Tick(double x, String label) {}

    /** The timeline of an execution's {@code tasks} (as the API returns them), with {@code now} for running ones. */
    public static Timeline of(List<Map<String, Object>> tasks, long now) {
        List<Map<String, Object>> sorted = new ArrayList<>(tasks == null ? List.of() : tasks);
        sorted.sort(Comparator.comparingLong(t -> millis(t, "scheduledTime", now)));
        if (sorted.size() > MOST_ROWS) {
            sorted = sorted.subList(0, MOST_ROWS);
        }
        long first = sorted.stream().mapToLong(t -> millis(t, "scheduledTime", now)).min().orElse(now);
        long last = sorted.stream().mapToLong(t -> end(t, now)).max().orElse(now);
        double span = Math.max(1, last - first);
        double scale = CHART_W / span;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            Map<String, Object> t = sorted.get(i);
            long scheduled = millis(t, "scheduledTime", now);
            long started = millis(t, "startTime", 0);
            long ended = end(t, now);
            if (started <= 0) {
                started = ended;
            }
            Object attempt = t.get("attempt");
            String label = t.get("referenceTaskName") + (attempt instanceof Number n && n.intValue() > 1
                    ? " (attempt " + n.intValue() + ")" : "");
            rows.add(new Row(i * ROW_H, label, String.valueOf(t.get("status")),
                    LABEL_W + (scheduled - first) * scale, LABEL_W + (started - first) * scale,
                    LABEL_W + (ended - first) * scale, String.valueOf(t.get("taskId")), human(ended - started)));
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            double at = span * i / 4;
            // a span of a few milliseconds still gets distinct marks
            ticks.add(new Tick(LABEL_W + CHART_W * i / 4, span < 20 ? String.format(java.util.Locale.ROOT,
                    "%.1f ms", at) : human((long) at)));
        }
        return new Timeline(LABEL_W + CHART_W + 40, rows.size() * ROW_H + 30, rows, ticks, LABEL_W);
    }

    /** A duration as people read it: 850 ms, 4.2 s, 3 min 5 s, 2 h 4 min. */
    public static String human(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        if (millis < 3_600_000) {
            return millis / 60_000 + " min " + (millis % 60_000) / 1000 + " s";
        }
        return millis / 3_600_000 + " h " + (millis % 3_600_000) / 60_000 + " min";
    }

    private static long end(Map<String, Object> t, long now) {
        long ended = millis(t, "endTime", 0);
        return ended > 0 ? ended : now;
    }

    private static long millis(Map<String, Object> t, String field, long otherwise) {
        return t.get(field) instanceof Number n && n.longValue() > 0 ? n.longValue() : otherwise;
    }
}
