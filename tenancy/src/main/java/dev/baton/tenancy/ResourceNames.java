package dev.baton.tenancy;

import java.util.regex.Pattern;

/**
 * The one naming rule for what tenants name and later address by name in a URL: workflow and task definitions and
 * applications.
 *
 * <p>Conductor's own rule ({@code [A-Za-z0-9_<>{}#\s-]+}) admits characters that make a name unreadable or
 * dangerous once stored (a {@code #} ends a URL path, {@code <script>} lands in pages, newlines in logs), so ours
 * keeps its letters, digits, {@code _}, {@code -} and single spaces between words, and drops the rest.
 */
public final class ResourceNames {

    /** Longest name. */
    public static final int MAX_LENGTH = 255;
    /** Says what a name may be, to complete "the name ...". */
    public static final String RULE = "may use only letters, digits, '_', '-' and single spaces between words, "
            + "at most " + MAX_LENGTH + " characters";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+( [A-Za-z0-9_-]+)*");

    private ResourceNames() {
    }

    public static boolean valid(String name) {
        return name != null && name.length() <= MAX_LENGTH && NAME.matcher(name).matches();
    }
}
