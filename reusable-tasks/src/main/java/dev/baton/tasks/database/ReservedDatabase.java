package dev.baton.tasks.database;

import java.util.Set;

/**
 * The platform's own database, which no tenant's query may reach: its JDBC URL, and the role names it uses (refused
 * on any host, so a guessed or default password cannot be tried through a task).
 */
public record ReservedDatabase(String jdbcUrl, Set<String> users) {}
