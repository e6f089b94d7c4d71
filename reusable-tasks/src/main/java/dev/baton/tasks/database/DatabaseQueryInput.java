package dev.baton.tasks.database;

import java.util.List;

/**
 * The DATABASE_QUERY task's input: a statement with {@code ?} placeholders and the values bound to them, run through
 * a tenant's DATABASE connection; read-only unless {@code write} is true.
 */
public record DatabaseQueryInput(String connection, String statement, List<Object> parameters, Boolean write,
        Integer maxRows, Integer timeoutSeconds) {}
