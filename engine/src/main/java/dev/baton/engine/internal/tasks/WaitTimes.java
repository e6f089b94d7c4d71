package dev.baton.engine.internal.tasks;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the {@code duration} and {@code until} inputs of WAIT tasks. */
public final class WaitTimes {

    private static final Pattern PART = Pattern.compile(
            "(\\d+)\\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\\b", Pattern.CASE_INSENSITIVE);
    private static final List<DateTimeFormatter> LOCAL = List.of(
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"),
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"),
            DateTimeFormatter.ISO_LOCAL_DATE_TIME);

    private WaitTimes() {}

    /** Parses durations such as {@code 30s}, {@code 5 minutes}, {@code 1h 30m}, {@code 2 days}. */
    public static Duration parseDuration(String text) {
        String rest = text.trim();
        Matcher m = PART.matcher(rest);
        Duration total = Duration.ZERO;
        int end = 0;
        boolean any = false;
        while (m.find()) {
            if (!rest.substring(end, m.start()).isBlank()) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            char unit = Character.toLowerCase(m.group(2).charAt(0));
            total = total.plus(switch (unit) {
                case 'd' -> Duration.ofDays(n);
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
            any = true;
        }
        if (!any || !rest.substring(end).isBlank()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 30s, 5m, 1h 30m or 2 days");
        }
        return total;
    }

    /** Parses a point in time: ISO-8601 with offset, or {@code yyyy-MM-dd HH:mm[:ss]} with an optional zone (UTC by default). */
    public static Instant parseInstant(String text) {
        String s = text.trim();
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException ignored) {
            // not ISO with an offset; try the other forms
        }
        String[] parts = s.split(" ");
        String zone = "UTC";
        if (parts.length == 3) {
            zone = parts[2];
            s = parts[0] + " " + parts[1];
        }
        for (DateTimeFormatter f : LOCAL) {
            try {
                return ZonedDateTime.of(LocalDateTime.parse(s, f), java.time.ZoneId.of(zone)).toInstant();
            } catch (java.time.DateTimeException ignored) {
                // next form
            }
        }
        try {
            return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time such as 2026-12-01 09:30 UTC "
                    + "or 2026-12-01T09:30:00Z");
        }
    }
}
