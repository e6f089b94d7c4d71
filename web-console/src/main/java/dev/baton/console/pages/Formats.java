package dev.baton.console.pages;

import dev.baton.console.render.Timeline;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the pages write times and durations: UTC, to the millisecond where it matters. */
public final class Formats {

    static final Formats UTC = new Formats();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    /** Epoch milliseconds (0 or absent: not yet) or an ISO instant, as a UTC time. */
    public String time(Object value) {
        if (value instanceof Number n) {
            return n.longValue() > 0 ? TIME.format(Instant.ofEpochMilli(n.longValue())) : "";
        }
        if (value instanceof String s && !s.isBlank()) {
            return TIME.format(Instant.parse(s));
        }
        return "";
    }

    /** Milliseconds as people read them. */
    public String duration(Object millis) {
        return millis instanceof Number n ? Timeline.human(n.longValue()) : "";
    }
}
