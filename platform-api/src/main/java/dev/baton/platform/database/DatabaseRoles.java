package dev.baton.platform.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Makes sure the application's role exists and is an ordinary role: it must not own the tables, be a superuser
 * or bypass row-level security, or tenant isolation would rest on the Java code alone.
 */
public final class DatabaseRoles {

    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private DatabaseRoles() {}

    /**
     * Creates the application role if missing, using the owner's connection. Nodes starting together would collide
     * on the catalog rows these statements write ("tuple concurrently updated"), so they take turns under a
     * transaction-scoped advisory lock.
     */
    public static void ensureApplicationRole(DataSource owner, String role, String password) {
        if (!ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("baton.database.app-username must be a plain lower-case role name: " + role);
        }
        try (Connection c = owner.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(hashtext('baton.database-roles'))");
                boolean exists;
                try (PreparedStatement q = c.prepareStatement("SELECT count(*) > 0 FROM pg_roles WHERE rolname = ?")) {
                    q.setString(1, role);
                    try (ResultSet rs = q.executeQuery()) {
                        exists = rs.next() && rs.getBoolean(1);
                    }
                }
                if (!exists) {
                    String quotedPassword = password == null ? "NULL" : "'" + password.replace("'", "''") + "'";
                    st.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE "
                            + "PASSWORD " + quotedPassword);
                }
                String database;
                try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
                    rs.next();
                    database = rs.getString(1);
                }
                st.execute("GRANT CONNECT ON DATABASE \"" + database.replace("\"", "\"\"") + "\" TO " + role);
                st.execute("GRANT USAGE ON SCHEMA public TO " + role);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the application role '" + role + "' could not be set up: "
                    + e.getMessage(), e);
        }
    }

    /** Fails when the application connects as a role that could see past row-level security. */
    public static void verifyApplicationRole(DataSource app) {
        JdbcClient jdbc = JdbcClient.create(app);
        Boolean privileged = jdbc.sql("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
                .query(Boolean.class).single();
        Boolean owner = jdbc.sql("SELECT count(*) > 0 FROM pg_tables WHERE tablename = 'workflows' "
                + "AND tableowner = current_user").query(Boolean.class).single();
        if (Boolean.TRUE.equals(privileged) || Boolean.TRUE.equals(owner)) {
            throw new IllegalStateException("the application's database role must not be a superuser, bypass "
                    + "row-level security or own the tables; set baton.database.app-username to an ordinary role");
        }
    }
}
