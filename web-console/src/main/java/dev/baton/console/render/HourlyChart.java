package dev.baton.console.render;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workflows started, completed and failed per hour as three lines on one chart, drawn on the server as SVG.
 *
 * @param series one polyline per figure, in the order started, completed, failed
 * @param yTicks labelled counts on the vertical axis
 * @param xTicks labelled hours on the horizontal axis
 */
public record HourlyChart(double width, double height, List<Series> series, List<Tick> yTicks, List<Tick> xTicks,
        double left, double bottom, double right) {

    static final double W = 900;
    static final double H = 260;
    static final double LEFT = 48;
    static final double BOTTOM = 230;
    static final double TOP = 14;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    /** One figure's line: its name and SVG points. */
    public record Series(String name, String points, long total) {}

    /** A mark on an axis. */
    public record Tick(double at, String label) {}

    /** The chart of {@code hourly}: the API's list of {@code {hour, started, completed, failed}}. */
    public static HourlyChart of(List<Map<String, Object>> hourly) {
        int n = hourly.size();
        long max = 1;
        for (Map<String, Object> h : hourly) {
            for (String f : List.of("started", "completed", "failed")) {
                max = Math.max(max, ((Number) h.get(f)).longValue());
            }
        }
        double step = n > 1 ? (W - LEFT - 20) / (n - 1) : 0;
        List<Series> series = new ArrayList<>();
        for (String f : List.of("started", "completed", "failed")) {
            StringBuilder points = new StringBuilder();
            long total = 0;
            for (int i = 0; i < n; i++) {
                long v = ((Number) hourly.get(i).get(f)).longValue();
                total += v;
                points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", LEFT + i * step,
                        BOTTOM - (BOTTOM - TOP) * v / max));
            }
            series.add(new Series(f, points.toString().trim(), total));
        }
        List<Tick> yTicks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            long value = Math.round(max * i / 4.0);
            yTicks.add(new Tick(BOTTOM - (BOTTOM - TOP) * value / max, Long.toString(value)));
        }
        List<Tick> xTicks = new ArrayList<>();
        int every = Math.max(1, (int) Math.ceil(n / 6.0));
        for (int i = 0; i < n; i += every) {
            xTicks.add(new Tick(LEFT + i * step, HOUR.format(Instant.parse(String.valueOf(hourly.get(i).get("hour"))))));
        }
        return new HourlyChart(W, H, series, yTicks, xTicks, LEFT, BOTTOM, W - 20);
    }
}
