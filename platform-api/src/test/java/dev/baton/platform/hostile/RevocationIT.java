package dev.baton.platform.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import dev.baton.platform.PersonSignIn;
import dev.baton.platform.PlatformIT;
import dev.baton.platform.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Taking access away takes effect within seconds, not when tokens expire: deleting a key or an application,
 * removing a team member, changing their roles, revoking a token at {@code /oauth2/revoke}, and a revocation made
 * by another node (a row in the database) each turn the affected tokens away within {@link #BOUND}.
 */
class RevocationIT extends PlatformIT {

    /** The stated bound: a node reads new revocations every second. */
    private static final Duration BOUND = Duration.ofSeconds(3);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aDeletedKeysTokensStopWorking() throws Exception {
        UUID app = viewerApplication("rev-keys");
        Identities.NewKey doomed = identities.createKey(TENANT, app);
        Identities.NewKey kept = identities.createKey(TENANT, app);
        String doomedToken = token(doomed);
        String keptToken = token(kept);
        assertThat(read(doomedToken).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/applications/" + app + "/accessKeys/" + doomed.id(), adminToken())
                .statusCode()).isEqualTo(200);
        assertRefusedWithin(doomedToken, "the key it was issued for was revoked");
        assertThat(read(keptToken).statusCode()).as("the application's other key").isEqualTo(200);
    }

    @Test
    void aDeletedApplicationsTokensStopWorking() throws Exception {
        UUID app = viewerApplication("rev-apps");
        String appToken = token(identities.createKey(TENANT, app));
        assertThat(read(appToken).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/applications/" + app, adminToken()).statusCode()).isEqualTo(200);
        assertRefusedWithin(appToken, "its holder's access changed after it was issued");
    }

    @Test
    void aRemovedMembersAndAChangedMembersTokensStopWorkingAndAFreshSignInWorks() throws Exception {
        String team = unique("rev-team").toLowerCase();
        identities.createTeam(TENANT, team, null);
        String admin = adminToken();

        UUID removed = person(team);
        String removedToken = signIn(removed);
        assertThat(read(removedToken).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/teams/" + team + "/members/" + removed, admin).statusCode()).isEqualTo(200);
        assertRefusedWithin(removedToken, "its holder's access changed after it was issued");

        UUID changed = person(team);
        String changedToken = signIn(changed);
        assertThat(call("PUT", "/api/teams/" + team + "/members/" + changed, admin, "{\"roles\":[\"WORKER\"]}")
                .statusCode()).isEqualTo(200);
        assertRefusedWithin(changedToken, "its holder's access changed after it was issued");
        Thread.sleep(1100); // a token issued in the second of the change cannot be told from an older one
        String fresh = signIn(changed);
        assertThat(read(fresh).statusCode()).as("signed in again, with the new roles").isEqualTo(200);
    }

    @Test
    void aTokenRevokedAtTheAuthorizationServerStopsWorking() throws Exception {
        Identities.NewKey key = adminKey(TENANT);
        String basic = "Basic " + Base64.getEncoder().encodeToString((key.id() + ":" + key.secret())
                .getBytes(StandardCharsets.UTF_8));
        String token = clientCredentials(basic);
        String other = clientCredentials(basic);
        assertThat(read(token).statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = http.send(HttpRequest.newBuilder(URI.create(url("/oauth2/revoke")))
                .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token + "&token_type_hint=access_token"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertRefusedWithin(token, "the token was revoked");
        assertThat(read(other).statusCode()).as("another token of the same key").isEqualTo(200);
    }

    @Test
    void aRevocationAnotherNodeWroteIsSeenHere() throws Exception {
        UUID app = viewerApplication("rev-node");
        String appToken = token(identities.createKey(TENANT, app));
        Thread.sleep(1100); // the row below revokes tokens issued before its second
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword()); PreparedStatement s = c.prepareStatement(
                        "INSERT INTO revocations (tenant_id, subject, not_before, expires_at) "
                                + "VALUES (?, ?, date_trunc('second', now()), now() + interval '2 hours')")) {
            s.setString(1, TENANT.value());
            s.setString(2, app.toString());
            s.executeUpdate();
        }
        assertRefusedWithin(appToken, "its holder's access changed after it was issued");
    }

    /** An application that is a VIEWER in a team of its own. */
    private UUID viewerApplication(String base) {
        String team = unique(base).toLowerCase();
        identities.createTeam(TENANT, team, null);
        return identities.createApplication(TENANT, team + "-app", team, EnumSet.of(Role.VIEWER), false);
    }

    private UUID person(String team) {
        String login = unique("person").toLowerCase();
        UUID user = identities.createUser(TENANT, login, "Person", "a long enough password", false);
        identities.addMember(TENANT, team, user, EnumSet.of(Role.VIEWER));
        logins.put(user, login);
        return user;
    }

    private final java.util.Map<UUID, String> logins = new java.util.HashMap<>();

    private String signIn(UUID user) throws Exception {
        return PersonSignIn.accessToken(port, logins.get(user), "a long enough password");
    }

    private void assertRefusedWithin(String token, String reason) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        HttpResponse<String> r = read(token);
        while (r.statusCode() == 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r = read(token);
        }
        assertThat(r.statusCode()).as("refused within " + BOUND).isEqualTo(401);
        assertThat(r.body()).contains(reason);
    }

    private String clientCredentials(String basic) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/oauth2/token")))
                .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("access_token").asString();
    }

    private HttpResponse<String> read(String token) throws Exception {
        return call("GET", "/api/metadata/taskdefs", token);
    }

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        return call(method, path, token, null);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
