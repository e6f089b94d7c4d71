package dev.baton.platform.web;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.TaskQuery;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Conductor's search query language: clauses joined by AND, each {@code field IN (a,b)},
 * {@code field = value}, {@code field > millis} or {@code field < millis}; and its sort, {@code field:ASC|DESC},
 * ascending when the order is left out, as Conductor reads it.
 */
final class SearchQueryParser {

    private static final Pattern CLAUSE = Pattern.compile(
            "\\s*(\\w+)\\s*(?:(?i:IN)\\s*\\(([^)]*)\\)|(=|>|<)\\s*('[^']*'|\"[^\"]*\"|[^\\s]+))\\s*");

    /** Most values a query may name in all its clauses together. */
    static final int MAX_VALUES = 1000;

    private SearchQueryParser() {}

    /** One clause of a query: a field, its operator and its values. */
    record Clause(String field, String op, List<String> values) {}

    /** A sort: the field (null for the default order) and its direction. */
    private record Sort(String field, boolean ascending) {}

    static ExecutionQuery parse(String query, String freeText, String sort, int start, int size) {
        page(start, size);
        List<String> types = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        String correlationId = null;
        Instant after = null;
        Instant before = null;
        for (Clause c : clauses(query)) {
            switch (c.field()) {
                case "workflowType" -> types.addAll(c.values());
                case "status" -> statuses.addAll(statuses(c.values(), WorkflowStatus.class, "workflow"));
                case "workflowId" -> ids.addAll(ids(c.values(), "workflow"));
                case "correlationId" -> correlationId = c.values().get(0);
                case "startTime" -> {
                    Instant t = millis(c);
                    after = c.op().equals("<") ? after : t;
                    before = c.op().equals(">") ? before : t;
                }
                default -> throw EngineException.invalid("query", "cannot search by '" + c.field()
                        + "'; use workflowType, status, workflowId, correlationId or startTime");
            }
        }
        Sort s = sort(sort, ExecutionQuery.SORT_FIELDS);
        return new ExecutionQuery(types, statuses, ids, correlationId, after, before, freeText, s.field(),
                s.ascending(), start, size);
    }

    /**
     * A task search, Conductor's: its fields are the task's, and free text matches the task's workflow; the sort is
     * one of {@code sortable} (the task's fields for a task search, the workflow's for a search by tasks).
     */
    static TaskQuery parseTasks(String query, String freeText, String sort, int start, int size,
            Set<String> sortable) {
        page(start, size);
        Map<String, List<String>> lists = new java.util.HashMap<>();
        Instant after = null;
        Instant before = null;
        for (Clause c : clauses(query)) {
            switch (c.field()) {
                case "taskType", "taskDefName", "workflowType" ->
                        lists.computeIfAbsent(c.field(), k -> new ArrayList<>()).addAll(c.values());
                case "status" -> lists.computeIfAbsent("status", k -> new ArrayList<>())
                        .addAll(statuses(c.values(), TaskStatus.class, "task"));
                case "workflowId" -> lists.computeIfAbsent("workflowId", k -> new ArrayList<>())
                        .addAll(ids(c.values(), "workflow"));
                case "taskId" -> lists.computeIfAbsent("taskId", k -> new ArrayList<>())
                        .addAll(ids(c.values(), "task"));
                case "updateTime" -> {
                    Instant t = millis(c);
                    after = c.op().equals("<") ? after : t;
                    before = c.op().equals(">") ? before : t;
                }
                default -> throw EngineException.invalid("query", "cannot search tasks by '" + c.field()
                        + "'; use taskType, taskDefName, status, workflowId, workflowType, taskId or updateTime");
            }
        }
        Sort s = sort(sort, sortable);
        return new TaskQuery(lists.get("taskType"), lists.get("taskDefName"), lists.get("status"),
                lists.get("workflowId"), lists.get("workflowType"), lists.get("taskId"), after, before, freeText,
                s.field(), s.ascending(), start, size);
    }

    private static void page(int start, int size) {
        if (start < 0) {
            throw EngineException.invalid("start", "must be 0 or more");
        }
        if (size < 1 || size > 1000) {
            throw EngineException.invalid("size", "must be between 1 and 1000");
        }
    }

    /** The clauses of a query in Conductor's language, each checked for form and bounded in values. */
    static List<Clause> clauses(String query) {
        List<Clause> clauses = new ArrayList<>();
        if (query == null || query.isBlank()) {
            return clauses;
        }
        int values = 0;
        for (String clause : query.split("(?i)\\s+AND\\s+")) {
            Matcher m = CLAUSE.matcher(clause);
            if (!m.matches()) {
                throw EngineException.invalid("query", "cannot read '" + clause.trim()
                        + "'; use field IN (a,b), field = value, field > millis or field < millis");
            }
            List<String> v = m.group(2) != null
                    ? Arrays.stream(m.group(2).split(",")).map(SearchQueryParser::unquote).filter(x -> !x.isEmpty())
                            .toList()
                    : List.of(unquote(m.group(4)));
            values += v.size();
            if (v.isEmpty()) {
                throw EngineException.invalid("query", "'" + clause.trim() + "' names no value");
            }
            if (values > MAX_VALUES) {
                throw EngineException.invalid("query", "names more than " + MAX_VALUES + " values");
            }
            clauses.add(new Clause(m.group(1), m.group(3) == null ? "=" : m.group(3), v));
        }
        return clauses;
    }

    private static <E extends Enum<E>> List<String> statuses(List<String> values, Class<E> type, String what) {
        List<String> statuses = new ArrayList<>();
        for (String v : values) {
            try {
                statuses.add(Enum.valueOf(type, v).name());
            } catch (IllegalArgumentException e) {
                throw EngineException.invalid("query", "unknown " + what + " status '" + v + "'");
            }
        }
        return statuses;
    }

    private static List<String> ids(List<String> values, String what) {
        for (String id : values) {
            try {
                UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                throw EngineException.invalid("query", "'" + id + "' is not a " + what + " id");
            }
        }
        return values;
    }

    private static Sort sort(String sort, Set<String> sortable) {
        if (sort == null || sort.isBlank()) {
            return new Sort(null, false);
        }
        String[] parts = sort.split(":");
        if (!sortable.contains(parts[0]) || parts.length > 2
                || parts.length == 2 && !parts[1].equalsIgnoreCase("ASC") && !parts[1].equalsIgnoreCase("DESC")) {
            throw EngineException.invalid("sort", "cannot sort by '" + sort + "'; use field:ASC or field:DESC with "
                    + "one of " + new java.util.TreeSet<>(sortable));
        }
        return new Sort(parts[0], parts.length == 1 || parts[1].equalsIgnoreCase("ASC"));
    }

    static Instant millis(Clause c) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(c.values().get(0)));
        } catch (NumberFormatException e) {
            throw EngineException.invalid("query", c.field() + " takes epoch milliseconds, not '" + c.values().get(0)
                    + "'");
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
