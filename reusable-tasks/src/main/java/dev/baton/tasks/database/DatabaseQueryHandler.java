package dev.baton.tasks.database;

import dev.baton.connections.Connection;
import dev.baton.connections.ConnectionKind;
import dev.baton.connections.Vault;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.spi.AsyncTaskHandler;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.InputException;
import dev.baton.engine.spi.TaskCall;
import dev.baton.engine.spi.TaskOutcome;
import dev.baton.tasks.TaskInputs;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * DATABASE_QUERY: one parameterised statement through a tenant's DATABASE connection (PostgreSQL or MariaDB). Read
 * only unless {@code write} is set; rows come back as JSON objects, at most {@code maxRows}; the statement is
 * stopped after {@code timeoutSeconds}. The database's address goes through the outbound-address policy, and the
 * platform's own database is never reachable.
 */
public final class DatabaseQueryHandler implements AsyncTaskHandler<DatabaseQueryInput> {

    private static final int DEFAULT_ROWS = 1000;
    private static final int DEFAULT_TIMEOUT = 30;

    private final Vault vault;
    private final OutboundAddressPolicy outbound;
    private final ReservedDatabase reserved;
    /** The platform's own database, parsed once; null when its URL is none this task could reach anyway. */
    private final JdbcTarget own;
    private final int maxRows;
    private final int maxTimeoutSeconds;

    public DatabaseQueryHandler(Vault vault, OutboundAddressPolicy outbound, ReservedDatabase reserved, int maxRows,
            int maxTimeoutSeconds) {
        this.vault = vault;
        this.outbound = outbound;
        this.reserved = reserved;
        this.own = ownTarget(reserved.jdbcUrl());
        this.maxRows = maxRows;
        this.maxTimeoutSeconds = maxTimeoutSeconds;
    }

    @Override
    public String type() {
        return "DATABASE_QUERY";
    }

    @Override
    public Class<DatabaseQueryInput> inputType() {
        return DatabaseQueryInput.class;
    }

    @Override
    public Duration maxDuration() {
        return Duration.ofSeconds(maxTimeoutSeconds + 15L);
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String field = check.path() + ".inputParameters.";
        Map<String, Object> in = task.inputParameters();
        check.require(in.get("connection") instanceof String, field + "connection",
                "is required: the name of a DATABASE connection");
        check.require(in.get("statement") instanceof String s && !s.isBlank(), field + "statement", "is required");
        // values go in parameters; text pasted into SQL is how injection happens
        check.require(check.isLiteral(in.get("statement")), field + "statement",
                "must be literal SQL with ? placeholders; pass values in parameters, not ${...} in the statement");
        if (in.get("statement") instanceof String s) {
            check.require(singleStatement(s), field + "statement", "must be one statement");
        }
    }

    private static boolean singleStatement(String sql) {
        String trimmed = sql.strip();
        int semicolon = trimmed.indexOf(';');
        return semicolon < 0 || semicolon == trimmed.length() - 1;
    }

    @Override
    public TaskOutcome execute(DatabaseQueryInput input, TaskCall call) throws Exception {
        if (input.statement() == null || input.statement().isBlank()) {
            throw new InputException("statement", "is required");
        }
        if (!singleStatement(input.statement())) {
            throw new InputException("statement", "must be one statement");
        }
        int rows = TaskInputs.bounded(input.maxRows(), DEFAULT_ROWS, maxRows, "maxRows");
        int timeout = TaskInputs.bounded(input.timeoutSeconds(), DEFAULT_TIMEOUT, maxTimeoutSeconds,
                "timeoutSeconds");
        boolean write = Boolean.TRUE.equals(input.write());
        Connection connection = TaskInputs.connection(vault, call, input.connection(), ConnectionKind.DATABASE);
        JdbcTarget target = JdbcTarget.parse(connection.text("url"), "connection '" + input.connection() + "' url");
        String user = connection.text("username");
        if (reserved.users().contains(user)) {
            return TaskOutcome.failedForGood("connection '" + input.connection() + "' uses a role of the platform's "
                    + "own database, which tasks may not use", null);
        }
        String address;
        try {
            address = checkedAddress(target);
        } catch (OutboundAddressPolicy.RefusedAddressException e) {
            return TaskOutcome.failedForGood("connection '" + input.connection() + "' host " + e.getMessage(), null);
        } catch (UnknownHostException e) {
            return TaskOutcome.failed("connection '" + input.connection() + "' host " + target.host()
                    + " does not resolve", null);
        }
        Properties props = new Properties();
        props.setProperty("user", user);
        if (connection.text("password") != null) {
            props.setProperty("password", connection.text("password"));
        }
        // bounded connect and socket waits whatever the driver's defaults (PostgreSQL counts seconds, MariaDB ms)
        int unit = target.driver().equals("postgresql") ? 1 : 1000;
        props.setProperty("connectTimeout", String.valueOf(10 * unit));
        props.setProperty("socketTimeout", String.valueOf((timeout + 5) * unit));
        try (java.sql.Connection db = DriverManager.getConnection(target.url(address), props)) {
            db.setAutoCommit(false);
            db.setReadOnly(!write);
            db.setTransactionIsolation(java.sql.Connection.TRANSACTION_READ_COMMITTED);
            try (PreparedStatement st = db.prepareStatement(input.statement())) {
                st.setQueryTimeout(timeout);
                st.setMaxRows(rows + 1);
                List<Object> params = input.parameters() == null ? List.of() : input.parameters();
                for (int i = 0; i < params.size(); i++) {
                    st.setObject(i + 1, bindable(params.get(i), i));
                }
                Map<String, Object> out = new LinkedHashMap<>();
                if (st.execute()) {
                    try (ResultSet rs = st.getResultSet()) {
                        readRows(rs, rows, out);
                    }
                } else {
                    out.put("updateCount", st.getUpdateCount());
                    out.put("rows", List.of());
                    out.put("rowCount", 0);
                }
                if (write) {
                    db.commit();
                } else {
                    db.rollback();
                }
                return TaskOutcome.completed(out);
            } catch (SQLException e) {
                db.rollback();
                throw e;
            }
        } catch (SQLTimeoutException e) {
            return TaskOutcome.failed("the statement ran longer than " + timeout + " s", null);
        } catch (SQLException e) {
            return sqlFailure(e);
        }
    }

    /** A failure the database reports: bad SQL or a refused write fails for good, the rest may be retried. */
    private static TaskOutcome sqlFailure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = "the database answered " + (state.isEmpty() ? "" : "SQLSTATE " + state + ": ")
                + e.getMessage();
        boolean lasting = state.startsWith("42") || state.startsWith("22") || state.startsWith("23")
                || state.equals("25006") || state.startsWith("28") || state.equals("3D000");
        if (state.startsWith("57014")) {
            return TaskOutcome.failed(reason, null);
        }
        return lasting ? TaskOutcome.failedForGood(reason, null) : TaskOutcome.failed(reason, null);
    }

    private String checkedAddress(JdbcTarget target) throws UnknownHostException {
        String scheme = "https://";
        outbound.check(scheme + bracket(target.host()) + ":" + target.port() + "/");
        InetAddress address = InetAddress.getByName(target.host());
        if (isReserved(target, address)) {
            throw new OutboundAddressPolicy.RefusedAddressException("is the platform's own database");
        }
        return address.getHostAddress();
    }

    private boolean isReserved(JdbcTarget target, InetAddress address) {
        if (own == null) {
            return false;
        }
        try {
            InetAddress ownAddress = InetAddress.getByName(own.host());
            boolean sameServer = own.port() == target.port() && (ownAddress.equals(address)
                    || ownAddress.isLoopbackAddress() && address.isLoopbackAddress());
            return sameServer && own.database().equals(target.database());
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static JdbcTarget ownTarget(String url) {
        if (url == null) {
            return null;
        }
        try {
            return JdbcTarget.parse(url, "own");
        } catch (InputException e) {
            return null;
        }
    }

    private static String bracket(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static Object bindable(Object value, int index) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d);
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        throw new InputException("parameters[" + index + "]", "must be a string, number, boolean or null");
    }

    private static void readRows(ResultSet rs, int most, Map<String, Object> out) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
            columns.add(meta.getColumnLabel(c));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == most) {
                truncated = true;
                break;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 1; c <= columns.size(); c++) {
                row.put(columns.get(c - 1), json(rs.getObject(c)));
            }
            rows.add(row);
        }
        out.put("columns", columns);
        out.put("rows", rows);
        out.put("rowCount", rows.size());
        out.put("truncated", truncated);
    }

    /** A column value as JSON can hold it: numbers and booleans as they are, everything else as text. */
    private static Object json(Object value) {
        if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof String) {
            return value;
        }
        if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
            return value;
        }
        return String.valueOf(value);
    }
}
