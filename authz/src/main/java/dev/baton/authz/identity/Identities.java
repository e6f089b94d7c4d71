package dev.baton.authz.identity;

import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.authz.token.Revocations;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Users, teams, applications and application keys of each tenant, and the look-ups sign-in needs before it knows
 * the tenant (through the database's SECURITY DEFINER functions, one row at a time).
 */
public final class Identities {

    /** An application key as sign-in sees it. */
    public record SignInKey(TenantId tenant, UUID applicationId, String secretHash, boolean revoked,
            boolean tenantActive) {}

    /** A user as sign-in sees it. */
    public record SignInUser(TenantId tenant, UUID userId, String passwordHash, boolean disabled,
            boolean tenantActive) {}

    /** A team as listed. */
    public record TeamInfo(String name, String description) {}

    /** A member of a team and their roles there. */
    public record Member(UUID userId, String login, String displayName, Set<Role> roles) {}

    /** A user as listed: never the password hash. */
    public record UserInfo(UUID id, String login, String displayName, boolean tenantAdmin, boolean disabled) {}

    /** An application as listed. */
    public record ApplicationInfo(UUID id, String name, String team, Set<Role> roles, boolean tenantAdmin) {}

    /** A key as it is handed out once: the secret is never shown again. */
    public record NewKey(String id, String secret) {}

    /** An application key as listed: no secret, no hash. */
    public record KeyInfo(String id, UUID applicationId, java.time.Instant createdAt, boolean revoked) {}

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final PasswordEncoder passwords;

    private final Revocations revocations;

    public Identities(TenantTransactions tx, JdbcClient jdbc, PasswordEncoder passwords, Revocations revocations) {
        this.revocations = revocations;
        this.tx = tx;
        this.jdbc = jdbc;
        this.passwords = passwords;
    }

    public Optional<SignInKey> keyForSignIn(String keyId) {
        return jdbc.sql("SELECT * FROM sign_in_key(?)").param(keyId).query((rs, n) -> new SignInKey(
                TenantId.of(rs.getString("tenant_id")), rs.getObject("application_id", UUID.class),
                rs.getString("secret_hash"), rs.getBoolean("revoked"),
                "ACTIVE".equals(rs.getString("tenant_status")))).optional();
    }

    /**
     * The user a sign-in name stands for: {@code tenant/login}, or a bare login of the {@code default} tenant.
     */
    /** {@code tenant/login} for a sign-in name, whose tenant may be left out for the default tenant. */
    public static String qualifiedSignInName(String signInName) {
        return signInName.indexOf('/') < 0 ? TenantId.DEFAULT.value() + "/" + signInName : signInName;
    }

    public Optional<SignInUser> userForSignIn(String signInName) {
        String qualified = qualifiedSignInName(signInName);
        int slash = qualified.indexOf('/');
        String tenant = qualified.substring(0, slash);
        String login = qualified.substring(slash + 1);
        return jdbc.sql("SELECT * FROM sign_in_user(?, ?)").params(tenant, login).query((rs, n) -> new SignInUser(
                TenantId.of(rs.getString("tenant_id")), rs.getObject("user_id", UUID.class),
                rs.getString("password_hash"), rs.getBoolean("disabled"),
                "ACTIVE".equals(rs.getString("tenant_status")))).optional();
    }

    /** The caller a key stands for, if the secret is right, the key not revoked and its tenant active. */
    public Optional<Caller> signIn(SignInKey key, String secret) {
        return Optional.of(key)
                .filter(k -> !k.revoked() && k.tenantActive() && Secrets.matchesHash(secret, k.secretHash()))
                .map(k -> applicationCaller(k.tenant(), k.applicationId()));
    }

    public boolean installationHasUsers() {
        return jdbc.sql("SELECT installation_has_users()").query(Boolean.class).single();
    }

    public Caller applicationCaller(TenantId tenant, UUID applicationId) {
        return tx.read(tenant, () -> jdbc.sql("SELECT id, name, team, roles, tenant_admin, platform_operator "
                + "FROM applications WHERE id = ?").param(applicationId).query((rs, n) -> new Caller(tenant,
                        rs.getString("id"), Caller.Kind.APPLICATION, rs.getString("name"),
                        rs.getBoolean("tenant_admin"), Map.of(rs.getString("team"), roles(rs.getArray("roles"))),
                        rs.getBoolean("platform_operator"))).single());
    }

    public Caller userCaller(TenantId tenant, UUID userId) {
        return tx.read(tenant, () -> {
            Map<String, Set<Role>> teams = new HashMap<>();
            jdbc.sql("SELECT team, roles FROM team_members WHERE user_id = ?").param(userId)
                    .query((ResultSet rs) -> {
                        teams.put(rs.getString("team"), roles(rs.getArray("roles")));
                    });
            return jdbc.sql("SELECT id, display_name, tenant_admin, platform_operator FROM users WHERE id = ?")
                    .param(userId).query((rs, n) -> new Caller(tenant, rs.getString("id"), Caller.Kind.USER,
                            rs.getString("display_name"), rs.getBoolean("tenant_admin"), teams,
                            rs.getBoolean("platform_operator"))).single();
        });
    }

    /** Lets a user and an application of {@code tenant} manage the installation's tenants. */
    public void makePlatformOperators(TenantId tenant, UUID userId, UUID applicationId) {
        tx.run(tenant, () -> {
            jdbc.sql("UPDATE users SET platform_operator = true WHERE id = ?").param(userId).update();
            jdbc.sql("UPDATE applications SET platform_operator = true WHERE id = ?").param(applicationId).update();
        });
    }

    public void createTeam(TenantId tenant, String name, String description) {
        tx.run(tenant, () -> jdbc.sql("INSERT INTO teams (tenant_id, name, description) VALUES (?, ?, ?)")
                .params(tenant.value(), name, description).update());
    }

    public UUID createUser(TenantId tenant, String login, String displayName, String password, boolean tenantAdmin) {
        UUID id = UUID.randomUUID();
        tx.run(tenant, () -> jdbc.sql("INSERT INTO users (tenant_id, id, login, display_name, password_hash, "
                + "tenant_admin) VALUES (?, ?, ?, ?, ?, ?)").params(tenant.value(), id, login.toLowerCase(),
                        displayName, passwords.encode(password), tenantAdmin).update());
        return id;
    }

    /** Adds a member or changes their roles; a change revokes the tokens that carry the old roles. */
    public void addMember(TenantId tenant, String team, UUID userId, Set<Role> roles) {
        tx.run(tenant, () -> {
            Optional<Set<Role>> before = jdbc.sql("SELECT roles FROM team_members WHERE team = ? AND user_id = ? "
                    + "FOR UPDATE").params(team, userId).query((rs, n) -> roles(rs.getArray("roles"))).optional();
            jdbc.sql("INSERT INTO team_members (tenant_id, team, user_id, roles) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (tenant_id, team, user_id) DO UPDATE SET roles = excluded.roles")
                    .params(tenant.value(), team, userId, roleArray(roles)).update();
            if (before.isPresent() && !before.get().equals(roles)) {
                revocations.revokeSubject(tenant, userId.toString());
            }
        });
    }

    public UUID createApplication(TenantId tenant, String name, String team, Set<Role> roles, boolean tenantAdmin) {
        UUID id = UUID.randomUUID();
        tx.run(tenant, () -> jdbc.sql("INSERT INTO applications (tenant_id, id, name, team, roles, tenant_admin) "
                + "VALUES (?, ?, ?, ?, ?, ?)").params(tenant.value(), id, name, team, roleArray(roles), tenantAdmin)
                .update());
        return id;
    }

    /** A new key for the application; its secret is returned here and never again. */
    public NewKey createKey(TenantId tenant, UUID applicationId) {
        String id = "bk_" + Secrets.random(12);
        String secret = Secrets.random(32);
        tx.run(tenant, () -> jdbc.sql("INSERT INTO application_keys (tenant_id, id, application_id, secret_hash) "
                + "VALUES (?, ?, ?, ?)").params(tenant.value(), id, applicationId, Secrets.sha256(secret)).update());
        return new NewKey(id, secret);
    }

    public List<KeyInfo> keys(TenantId tenant, UUID applicationId) {
        return tx.read(tenant, () -> jdbc.sql("SELECT id, application_id, created_at, revoked_at FROM application_keys "
                + "WHERE application_id = ? ORDER BY created_at").param(applicationId).query((rs, n) -> new KeyInfo(
                        rs.getString("id"), rs.getObject("application_id", UUID.class),
                        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("revoked_at") != null)).list());
    }

    /** Revokes the key; returns false if the tenant has no such key. */
    public boolean revokeKey(TenantId tenant, String keyId) {
        return revokeKey(tenant, null, keyId);
    }

    public boolean teamExists(TenantId tenant, String team) {
        return tx.read(tenant, () -> jdbc.sql("SELECT count(*) FROM teams WHERE name = ?").param(team)
                .query(Long.class).single() == 1);
    }

    public List<TeamInfo> teams(TenantId tenant) {
        return tx.read(tenant, () -> jdbc.sql("SELECT name, description FROM teams ORDER BY name")
                .query((rs, n) -> new TeamInfo(rs.getString("name"), rs.getString("description"))).list());
    }

    /**
     * Deletes a team with its memberships, applications, keys, ownerships and grants; false if there was none. The
     * tokens of its members and applications, which name it, stop working.
     */
    public boolean deleteTeam(TenantId tenant, String team) {
        return tx.write(tenant, () -> {
            List<String> holders = jdbc.sql("SELECT user_id::text FROM team_members WHERE team = ? UNION "
                    + "SELECT id::text FROM applications WHERE team = ?").params(team, team).query(String.class).list();
            boolean found = jdbc.sql("DELETE FROM teams WHERE name = ?").param(team).update() == 1;
            if (found) {
                holders.forEach(subject -> revocations.revokeSubject(tenant, subject));
            }
            return found;
        });
    }

    public List<Member> members(TenantId tenant, String team) {
        return tx.read(tenant, () -> jdbc.sql("SELECT u.id, u.login, u.display_name, m.roles FROM team_members m "
                + "JOIN users u ON u.id = m.user_id WHERE m.team = ? ORDER BY u.login").param(team)
                .query((rs, n) -> new Member(rs.getObject("id", UUID.class), rs.getString("login"),
                        rs.getString("display_name"), roles(rs.getArray("roles")))).list());
    }

    /** Removes a member from a team; false if they were not one. */
    public boolean removeMember(TenantId tenant, String team, UUID userId) {
        return tx.write(tenant, () -> {
            boolean found = jdbc.sql("DELETE FROM team_members WHERE team = ? AND user_id = ?")
                    .params(team, userId).update() == 1;
            if (found) {
                revocations.revokeSubject(tenant, userId.toString());
            }
            return found;
        });
    }

    public boolean userExists(TenantId tenant, UUID userId) {
        return tx.read(tenant, () -> jdbc.sql("SELECT count(*) FROM users WHERE id = ?").param(userId)
                .query(Long.class).single() == 1);
    }

    public List<UserInfo> users(TenantId tenant) {
        return tx.read(tenant, () -> jdbc.sql("SELECT id, login, display_name, tenant_admin, disabled FROM users "
                + "ORDER BY login").query((rs, n) -> new UserInfo(rs.getObject("id", UUID.class),
                        rs.getString("login"), rs.getString("display_name"), rs.getBoolean("tenant_admin"),
                        rs.getBoolean("disabled"))).list());
    }

    public Optional<ApplicationInfo> application(TenantId tenant, UUID id) {
        return tx.read(tenant, () -> jdbc.sql("SELECT * FROM applications WHERE id = ?").param(id)
                .query((rs, n) -> applicationInfo(rs)).optional());
    }

    public List<ApplicationInfo> applications(TenantId tenant) {
        return tx.read(tenant, () -> jdbc.sql("SELECT * FROM applications ORDER BY name")
                .query((rs, n) -> applicationInfo(rs)).list());
    }

    /** Deletes an application and its keys; false if there was none. */
    public boolean deleteApplication(TenantId tenant, UUID id) {
        return tx.write(tenant, () -> {
            boolean found = jdbc.sql("DELETE FROM applications WHERE id = ?").param(id).update() == 1;
            if (found) {
                revocations.revokeSubject(tenant, id.toString());
            }
            return found;
        });
    }

    private static ApplicationInfo applicationInfo(ResultSet rs) throws SQLException {
        return new ApplicationInfo(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("team"),
                roles(rs.getArray("roles")), rs.getBoolean("tenant_admin"));
    }

    /** Revokes the application's key (any application's when it is null); false if there is no such key. */
    public boolean revokeKey(TenantId tenant, UUID applicationId, String keyId) {
        return tx.write(tenant, () -> {
            boolean found = jdbc.sql("UPDATE application_keys SET revoked_at = coalesce(revoked_at, now()) "
                    + "WHERE id = ? AND (?::uuid IS NULL OR application_id = ?)")
                    .params(keyId, applicationId, applicationId).update() == 1;
            if (found) {
                revocations.revokeKey(tenant, keyId);
            }
            return found;
        });
    }

    private static Set<Role> roles(Array array) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Object r : (Object[]) array.getArray()) {
            roles.add(Role.valueOf((String) r));
        }
        return roles;
    }

    private String[] roleArray(Set<Role> roles) {
        return roles.stream().map(Role::name).sorted().toArray(String[]::new);
    }
}
