package dev.baton.catalog;

import dev.baton.engine.api.EngineException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A catalog version, {@code major.minor.patch}; ordered by number, not text. */
public record SemVer(int major, int minor, int patch) implements Comparable<SemVer> {

    private static final Pattern EXACT = Pattern.compile("(0|[1-9]\\d{0,5})\\.(0|[1-9]\\d{0,5})\\.(0|[1-9]\\d{0,5})");
    private static final Pattern LINE = Pattern.compile("(0|[1-9]\\d{0,5})(?:\\.(0|[1-9]\\d{0,5}))?");

    /** Parses an exact version, or refuses it naming {@code field}. */
    public static SemVer parse(String text, String field) {
        Matcher m = text == null ? null : EXACT.matcher(text);
        if (m == null || !m.matches()) {
            throw EngineException.invalid(field, "must be a version like 1.4.2 (major.minor.patch), not '" + text + "'");
        }
        return new SemVer(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /**
     * Whether this version answers {@code ref}: the same exact version, or any of a major ({@code 2}) or minor
     * ({@code 2.1}) line. A malformed reference matches nothing.
     */
    public boolean matches(String ref) {
        if (ref == null) {
            return false;
        }
        if (EXACT.matcher(ref).matches()) {
            return toString().equals(ref);
        }
        Matcher m = LINE.matcher(ref);
        if (!m.matches()) {
            return false;
        }
        return Integer.parseInt(m.group(1)) == major && (m.group(2) == null || Integer.parseInt(m.group(2)) == minor);
    }

    /** Whether {@code ref} is a well-formed version reference. */
    public static boolean isReference(String ref) {
        return ref != null && (EXACT.matcher(ref).matches() || LINE.matcher(ref).matches());
    }

    @Override
    public int compareTo(SemVer o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
