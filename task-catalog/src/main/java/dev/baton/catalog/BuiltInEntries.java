package dev.baton.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Reads the catalog entry of a built-in task type from a JSON resource beside its code. */
public final class BuiltInEntries {

    /** The team shown as the owner of built-in entries. */
    public static final String PLATFORM = "platform";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BuiltInEntries() {}

    /** What a built-in entry's resource holds: the entry, and its one published version. */
    private record Resource(String name, String title, String description, String category, List<String> tags,
            String version, Map<String, Object> inputSchema, Map<String, Object> outputSchema,
            List<Map<String, Object>> examples, RunsAs runsAs, String notes) {}

    /** Loads {@code resource} (a class-path resource relative to {@code anchor}). */
    public static BuiltInEntry load(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no catalog resource " + resource + " beside " + anchor.getName());
            }
            Resource r = JSON.readValue(in, Resource.class);
            CatalogVersion version = new CatalogVersion(r.version(), VersionStatus.PUBLISHED, null, r.inputSchema(),
                    r.outputSchema(), r.examples() == null ? List.of() : r.examples(), r.runsAs(),
                    r.notes() == null ? "" : r.notes(), null, null, null);
            return new BuiltInEntry(new CatalogEntry(r.name(), r.title(), r.description(), r.category(), r.tags(),
                    PLATFORM, Visibility.CURATED, null, List.of(version)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
