package dev.baton.platform;

import dev.baton.authz.identity.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** Application keys made straight in the test database, for tests whose server runs in another process. */
final class TestKeys {

    private TestKeys() {}

    /** {keyId, secret} of a new tenant-administrator key of the default tenant. */
    static String[] tenantAdminKey() {
        return tenantAdminKey("default");
    }

    /** {keyId, secret} of a new key of the default tenant's administrator who is also a platform operator. */
    static String[] platformOperatorKey() {
        return key("default", true);
    }

    /** {keyId, secret} of a new tenant-administrator key of {@code tenant}. */
    static String[] tenantAdminKey(String tenant) {
        return key(tenant, false);
    }

    private static String[] key(String tenant, boolean operator) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String team = "it-" + suffix;
        UUID app = UUID.randomUUID();
        String keyId = "bk_it_" + suffix;
        String secret = Secrets.random(32);
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword())) {
            update(c, "INSERT INTO teams (tenant_id, name) VALUES (?, ?)", tenant, team);
            update(c, "INSERT INTO applications (tenant_id, id, name, team, roles, tenant_admin, platform_operator) "
                    + "VALUES (?, ?, ?, ?, ARRAY['TEAM_ADMIN'], true, ?)", tenant, app, team, team, operator);
            update(c, "INSERT INTO application_keys (tenant_id, id, application_id, secret_hash) "
                    + "VALUES (?, ?, ?, ?)", tenant, keyId, app, Secrets.sha256(secret));
        } catch (SQLException e) {
            throw new IllegalStateException("could not make a test key", e);
        }
        return new String[] {keyId, secret};
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }
}
