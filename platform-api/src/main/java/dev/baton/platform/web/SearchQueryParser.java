package dev.baton.platform.web;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Conductor's search query language: clauses joined by AND, each {@code field IN (a,b)},
 * {@code field = value}, {@code field > millis} or {@code field < millis}.
 */
final class SearchQueryParser {

    private static final Pattern CLAUSE = Pattern.compile(
            "\\s*(\\w+)\\s*(?:(?i:IN)\\s*\\(([^)]*)\\)|(=|>|<)\\s*('[^']*'|\"[^\"]*\"|[^\\s]+))\\s*");

    private SearchQueryParser() {}

    static ExecutionQuery parse(String query, String freeText, String sort, int start, int size) {
        if (start < 0) {
            throw EngineException.invalid("start", "must be 0 or more");
        }
        if (size < 1 || size > 1000) {
            throw EngineException.invalid("size", "must be between 1 and 1000");
        }
        List<String> types = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        String correlationId = null;
        Instant after = null;
        Instant before = null;
        if (query != null && !query.isBlank()) {
            for (String clause : query.split("(?i)\\s+AND\\s+")) {
                Matcher m = CLAUSE.matcher(clause);
                if (!m.matches()) {
                    throw EngineException.invalid("query", "cannot read '" + clause.trim()
                            + "'; use field IN (a,b), field = value, field > millis or field < millis");
                }
                String field = m.group(1);
                List<String> values = m.group(2) != null
                        ? Arrays.stream(m.group(2).split(",")).map(SearchQueryParser::unquote).filter(v -> !v.isEmpty()).toList()
                        : List.of(unquote(m.group(4)));
                String op = m.group(3) == null ? "=" : m.group(3);
                switch (field) {
                    case "workflowType" -> types.addAll(values);
                    case "status" -> {
                        for (String v : values) {
                            try {
                                statuses.add(WorkflowStatus.valueOf(v).name());
                            } catch (IllegalArgumentException e) {
                                throw EngineException.invalid("query", "unknown workflow status '" + v + "'");
                            }
                        }
                    }
                    case "workflowId" -> ids.addAll(values);
                    case "correlationId" -> correlationId = values.get(0);
                    case "startTime" -> {
                        Instant t = millis(values.get(0));
                        if (op.equals(">")) {
                            after = t;
                        } else if (op.equals("<")) {
                            before = t;
                        } else {
                            after = t;
                            before = t;
                        }
                    }
                    default -> throw EngineException.invalid("query", "cannot search by '" + field
                            + "'; use workflowType, status, workflowId, correlationId or startTime");
                }
            }
        }
        for (String id : ids) {
            try {
                java.util.UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                throw EngineException.invalid("query", "'" + id + "' is not a workflow id");
            }
        }
        String sortField = null;
        boolean ascending = false;
        if (sort != null && !sort.isBlank()) {
            String[] parts = sort.split(":");
            sortField = parts[0];
            ascending = parts.length > 1 && parts[1].equalsIgnoreCase("ASC");
        }
        return new ExecutionQuery(types, statuses, ids, correlationId, after, before, freeText, sortField, ascending,
                start, size);
    }

    private static Instant millis(String value) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw EngineException.invalid("query", "startTime takes epoch milliseconds, not '" + value + "'");
        }
    }

    private static String unquote(String v) {
        String s = v.trim();
        if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
