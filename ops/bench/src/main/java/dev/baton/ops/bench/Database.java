package dev.baton.ops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's PostgreSQL as the benchmark sees it: PostgreSQL's own counters of commits and statements, and
 * its ceiling for single-row-insert transactions measured with pgbench.
 */
final class Database {

    /**
     * Counters at one moment: commits in one database, statements run by one role, and the CPU seconds each of that
     * role's backends (by process id) has used.
     */
    record Counters(long commits, long statements, Map<Integer, Double> backendCpu) {

        /**
         * What happened since {@code earlier}. A backend's CPU counts from its value then (or from zero if it is
         * new); a backend that ended in between is lost, so the figure is a floor. The engines keep their pooled
         * connections for the whole run.
         */
        Counters minus(Counters earlier) {
            Map<Integer, Double> used = new java.util.HashMap<>();
            backendCpu.forEach((pid, cpu) -> used.put(pid, cpu - earlier.backendCpu.getOrDefault(pid, 0.0)));
            return new Counters(commits - earlier.commits, statements - earlier.statements, used);
        }

        /** The CPU seconds all the role's backends used. */
        double cpuSeconds() {
            return backendCpu.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** Whose commits and statements to count: a database and the role an engine connects as. */
    record Account(String database, String role) {}

    /** Our platform: the benchmark's main database, the application's role. */
    static final Account OURS = new Account("postgres", "baton_app");

    /** The peer engine: a database and role of its own. */
    static final Account PEER = new Account(Camunda.DATABASE, Camunda.DATABASE);

    private final String jdbcUrl;
    private final int port;

    Database(String jdbcUrl, int port) {
        this.jdbcUrl = jdbcUrl;
        this.port = port;
    }

    void prepare() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // a schema of its own: the platform's migrations expect an empty public schema
            s.execute("CREATE SCHEMA IF NOT EXISTS bench");
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA bench");
            s.execute("CREATE TABLE IF NOT EXISTS bench.ceiling (id bigserial PRIMARY KEY, v integer NOT NULL)");
            // the peer engine's: a database and role of its own, so its commits and statements count apart
            s.execute("CREATE ROLE " + Camunda.DATABASE + " LOGIN");
            s.execute("CREATE DATABASE " + Camunda.DATABASE + " OWNER " + Camunda.DATABASE);
        }
    }

    /** The URL of the database the peer engine uses. */
    String peerJdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + Camunda.DATABASE;
    }

    /** PostgreSQL publishes backend statistics about once a second, so this waits a little for them to settle. */
    Counters counters(Account account) throws SQLException, InterruptedException {
        Thread.sleep(1_200);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            long commits = single(s, "SELECT xact_commit FROM pg_stat_database WHERE datname = '" + account.database() + "'");
            long statements = single(s, "SELECT coalesce(sum(calls), 0) FROM bench.pg_stat_statements "
                    + "WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = '" + account.role() + "')");
            Map<Integer, Double> cpu = new java.util.HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE usename = '"
                    + account.role() + "'")) {
                while (rs.next()) {
                    int pid = rs.getInt(1);
                    double seconds = JarProcess.cpuSecondsOf(pid);
                    if (seconds >= 0) {
                        cpu.put(pid, seconds);
                    }
                }
            }
            return new Counters(commits, statements, cpu);
        }
    }

    /** How often each statement of the role has run so far, by its text (shortened): to tell where calls go. */
    Map<String, Long> statementCalls(Account account) throws SQLException {
        Map<String, Long> calls = new java.util.HashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT query, calls FROM bench.pg_stat_statements WHERE userid = (SELECT oid FROM pg_roles "
                        + "WHERE rolname = '" + account.role() + "')")) {
            while (rs.next()) {
                String q = rs.getString("query").replaceAll("\\s+", " ");
                calls.merge(q.length() > 100 ? q.substring(0, 100) + "..." : q, rs.getLong("calls"), Long::sum);
            }
        }
        return calls;
    }

    /** The application's statements that took the most database time so far: where a profile should look. */
    List<Map<String, Object>> topStatements(int n) throws SQLException {
        List<Map<String, Object>> top = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT query, calls, total_exec_time, mean_exec_time, rows FROM bench.pg_stat_statements "
                        + "WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = 'baton_app') "
                        + "ORDER BY total_exec_time DESC LIMIT " + n)) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                String q = rs.getString("query").replaceAll("\\s+", " ");
                row.put("query", q.length() > 160 ? q.substring(0, 160) + "..." : q);
                row.put("calls", rs.getLong("calls"));
                row.put("totalMs", Math.round(rs.getDouble("total_exec_time")));
                row.put("meanMs", Math.round(rs.getDouble("mean_exec_time") * 1000) / 1000.0);
                top.add(row);
            }
        }
        return top;
    }

    /**
     * Makes the database hold {@code count} more finished executions, each a copy (new ids, spread-out times) of one
     * finished workflow and its tasks, written as the owner in batches; then refreshes the planner's statistics.
     */
    void retainCopies(String workflowName, long count) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            String source;
            try (ResultSet rs = s.executeQuery("SELECT id FROM workflows WHERE name = '" + workflowName
                    + "' AND status = 'COMPLETED' ORDER BY created_at DESC LIMIT 1")) {
                if (!rs.next()) {
                    throw new IllegalStateException("no finished " + workflowName + " workflow to copy");
                }
                source = rs.getString(1);
            }
            List<String> workflowColumns = columns(s, "workflows");
            List<String> taskColumns = columns(s, "tasks");
            String workflowCols = String.join(", ", workflowColumns);
            String taskCols = String.join(", ", taskColumns);
            String workflowValues = String.join(", ", workflowColumns.stream().map(col -> switch (col) {
                case "id" -> "ids.wid";
                case "created_at" -> "created_at - ids.g * interval '1 second'";
                default -> "workflows." + col;
            }).toList());
            String taskValues = String.join(", ", taskColumns.stream().map(col -> switch (col) {
                case "id" -> "gen_random_uuid()";
                case "workflow_id" -> "ids.wid";
                default -> "tasks." + col;
            }).toList());
            for (long done = 0; done < count; done += 100_000) {
                long batch = Math.min(100_000, count - done);
                s.execute("WITH ids AS (SELECT g, gen_random_uuid() AS wid FROM generate_series(1, " + batch + ") g), "
                        + "w AS (INSERT INTO workflows (" + workflowCols + ") SELECT " + workflowValues
                        + " FROM workflows, ids WHERE workflows.id = '" + source + "' RETURNING 1) "
                        + "INSERT INTO tasks (" + taskCols + ") SELECT " + taskValues
                        + " FROM tasks, ids WHERE tasks.workflow_id = '" + source + "'");
            }
            s.execute("ANALYZE workflows");
            s.execute("ANALYZE tasks");
        }
    }

    /** All workflows in the database, of every tenant and status. */
    long workflowCount() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            return single(s, "SELECT count(*) FROM workflows");
        }
    }

    private static List<String> columns(Statement s, String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        // generated columns compute themselves and cannot be written
        try (ResultSet rs = s.executeQuery("SELECT column_name FROM information_schema.columns "
                + "WHERE table_schema = 'public' AND table_name = '" + table + "' AND is_generated = 'NEVER' "
                + "ORDER BY ordinal_position")) {
            while (rs.next()) {
                cols.add(rs.getString(1));
            }
        }
        return cols;
    }

    /** Transactions per second of single-row inserts from {@code clients} connections, with the same durability. */
    double insertCeiling(int clients, int seconds, Path work) throws IOException, InterruptedException {
        Path script = work.resolve("ceiling.sql");
        Files.writeString(script, "INSERT INTO bench.ceiling (v) VALUES (1);\n");
        Process p = new ProcessBuilder(List.of("pgbench", "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-U", "postgres", "-n", "-c", String.valueOf(clients), "-j", "2", "-T", String.valueOf(seconds),
                "-f", script.toString(), "postgres")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("pgbench failed: " + out);
        }
        Matcher m = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("pgbench printed no tps: " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
