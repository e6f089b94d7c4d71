package dev.baton.tenancy;

import java.util.Objects;
import java.util.regex.Pattern;

/** The identifier of one tenant: a lower-case slug, the value of every row's tenant_id. */
public record TenantId(String value) {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** The tenant every request runs in until identity decides otherwise. */
    public static final TenantId DEFAULT = new TenantId("default");

    public TenantId {
        Objects.requireNonNull(value, "tenant id");
        if (!SLUG.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "tenant id must be 1-63 lower-case letters, digits or '-', starting with a letter or digit: " + value);
        }
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
