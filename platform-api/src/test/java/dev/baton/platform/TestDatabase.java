package dev.baton.platform;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database on the PostgreSQL the tests are given (BATON_TEST_DB_URL, by default 127.0.0.1:5432 as
 * postgres), created once per test JVM so test runs never see each other's rows.
 */
public final class TestDatabase {

    private static final String ADMIN_URL = env("BATON_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String ADMIN_USER = env("BATON_TEST_DB_USER", "postgres");
    private static final String ADMIN_PASSWORD = env("BATON_TEST_DB_PASSWORD", "");
    private static String url;

    private TestDatabase() {}

    public static synchronized String url() {
        if (url == null) {
            String name = "baton_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection c = DriverManager.getConnection(ADMIN_URL, ADMIN_USER, ADMIN_PASSWORD);
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("The integration tests need a PostgreSQL at " + ADMIN_URL + " (user "
                        + ADMIN_USER + ") and could not use it: " + e.getMessage() + ". Start one (.ci/run does), "
                        + "or point BATON_TEST_DB_URL/USER/PASSWORD at one.", e);
            }
            url = ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name;
        }
        return url;
    }

    public static String adminUser() {
        return ADMIN_USER;
    }

    public static String adminPassword() {
        return ADMIN_PASSWORD;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
