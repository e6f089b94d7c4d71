package dev.baton.engine.internal.execution;

import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.spi.TaskOutcome;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts secret values into an attempt's input just before it runs, and takes them (and their usual encodings) out of
 * everything the attempt returns, so that no stored output, reason or log line holds one even when a peer echoes
 * it back.
 */
final class SecretSubstitution {

    private static final Pattern SECRET = Pattern.compile("(?<!\\$)\\$\\{\\s*secrets\\.([A-Za-z0-9_-]+)\\s*}");
    /** Shorter values are not looked for in outputs: they would mangle ordinary text; no real secret is so short. */
    static final int SHORTEST_REDACTED = 4;
    static final String REDACTED = "[secret]";

    private SecretSubstitution() {}

    /** The names of the secrets {@code value} refers to. */
    static Set<String> names(Object value) {
        Set<String> names = new LinkedHashSet<>();
        walk(value, s -> {
            Matcher m = SECRET.matcher(s);
            while (m.find()) {
                names.add(m.group(1));
            }
            return s;
        });
        return names;
    }

    /** {@code value} with every secret reference replaced by its value. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> substitute(Map<String, Object> value, Map<String, String> secrets) {
        return (Map<String, Object>) walk(value, s -> {
            Matcher m = SECRET.matcher(s);
            if (m.matches()) {
                return secrets.get(m.group(1));
            }
            return m.replaceAll(r -> Matcher.quoteReplacement(secrets.get(r.group(1))));
        });
    }

    /** The outcome with every secret value, plain, URL-encoded or base64, replaced by {@value #REDACTED}. */
    static TaskOutcome redact(TaskOutcome outcome, Map<String, String> secrets) {
        List<String> forms = forms(secrets);
        if (forms.isEmpty()) {
            return outcome;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> output = (Map<String, Object>) walk(outcome.output(), s -> redact(s, forms));
        String reason = outcome.reason() == null ? null : redact(outcome.reason(), forms);
        return new TaskOutcome(outcome.status() == null ? TaskStatus.FAILED : outcome.status(), output, reason);
    }

    static List<String> redact(List<String> lines, Map<String, String> secrets) {
        List<String> forms = forms(secrets);
        return forms.isEmpty() ? lines : lines.stream().map(l -> redact(l, forms)).toList();
    }

    private static List<String> forms(Map<String, String> secrets) {
        List<String> forms = new ArrayList<>();
        for (String v : secrets.values()) {
            if (v == null || v.length() < SHORTEST_REDACTED) {
                continue;
            }
            forms.add(v);
            forms.add(URLEncoder.encode(v, StandardCharsets.UTF_8));
            forms.add(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
        }
        // longest first, so a value that contains another is taken out whole
        forms.sort((a, b) -> Integer.compare(b.length(), a.length()));
        return forms;
    }

    private static String redact(String s, List<String> forms) {
        for (String f : forms) {
            s = s.replace(f, REDACTED);
        }
        return s;
    }

    private static Object walk(Object value, java.util.function.UnaryOperator<String> onString) {
        if (value instanceof String s) {
            return onString.apply(s);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(onString.apply(String.valueOf(k)), walk(v, onString)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(walk(v, onString)));
            return out;
        }
        return value;
    }
}
