package dev.baton.catalog;

import java.util.List;
import java.util.Map;

/**
 * A workflow as a selection of catalog entries: steps in sequence, where a step is one entry (with its reference
 * name and input wiring), parallel branches, or a switch on a value. The catalog turns it into a definition.
 */
public record Composition(String name, Integer version, String description, List<Step> steps,
        Map<String, Object> outputParameters) {

    /**
     * One step: exactly one of {@code entry} ({@code name@version}, with {@code ref} and {@code input}),
     * {@code parallel} (branches of steps), or {@code switchOn} (a value, with {@code cases} and {@code otherwise}).
     */
    public record Step(String ref, String entry, Map<String, Object> input, List<List<Step>> parallel,
            String switchOn, Map<String, List<Step>> cases, List<Step> otherwise) {}
}
