package dev.baton.platform.database;

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

    /** Creates the application role if missing, using the owner's connection. */
    public static void ensureApplicationRole(DataSource owner, String role, String password) {
        if (!ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("baton.database.app-username must be a plain lower-case role name: " + role);
        }
        JdbcClient jdbc = JdbcClient.create(owner);
        boolean exists = jdbc.sql("SELECT count(*) > 0 FROM pg_roles WHERE rolname = ?").param(role)
                .query(Boolean.class).single();
        if (!exists) {
            String quotedPassword = password == null ? "NULL" : "'" + password.replace("'", "''") + "'";
            jdbc.sql("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD "
                    + quotedPassword).update();
        }
        String database = jdbc.sql("SELECT current_database()").query(String.class).single();
        jdbc.sql("GRANT CONNECT ON DATABASE \"" + database.replace("\"", "\"\"") + "\" TO " + role).update();
        jdbc.sql("GRANT USAGE ON SCHEMA public TO " + role).update();
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
