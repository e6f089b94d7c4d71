package dev.baton.deploy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** The PostgreSQL the tests are given (BATON_TEST_DB_URL/USER/PASSWORD, by default 127.0.0.1:5432 as postgres). */
final class TestPostgres {

    static final String ADMIN_URL = env("BATON_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String USER = env("BATON_TEST_DB_USER", "postgres");
    static final String PASSWORD = env("BATON_TEST_DB_PASSWORD", "");

    private TestPostgres() {}

    /** A new, empty database there, as an operator creates one for a new installation; its JDBC URL. */
    static String newDatabase() {
        String name = "baton_deploy_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("these tests need a PostgreSQL at " + ADMIN_URL + " (user " + USER
                    + "): " + e.getMessage() + ". Start one (.ci/run does) or set BATON_TEST_DB_URL/USER/PASSWORD.", e);
        }
        return ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
