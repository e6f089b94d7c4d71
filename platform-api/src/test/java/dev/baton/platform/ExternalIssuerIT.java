package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.tenancy.TenantId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A tenant registers its own OpenID Connect issuer (a real one, running in the test: mock-oauth2-server, with its
 * own keys and discovery document) and its users call the API with that issuer's tokens.
 */
class ExternalIssuerIT extends PlatformIT {

    private static final MockOAuth2Server ISSUER = new MockOAuth2Server();

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startIssuer() {
        ISSUER.start();
    }

    @AfterAll
    static void stopIssuer() {
        ISSUER.shutdown();
    }

    @Test
    void tokensOfARegisteredIssuerSignUsersIntoItsTenantWithTeamsFromTheirGroups() throws Exception {
        TenantId tenant = createTenant("oidc-" + UUID.randomUUID().toString().substring(0, 8));
        String admin = token(adminKey(tenant));
        identities.createTeam(tenant, "payments", null);
        String realm = "realm-" + tenant.value();
        String issuer = ISSUER.issuerUrl(realm).toString();
        HttpResponse<String> registered = send("POST", "/api/identity-providers", admin, JSON.writeValueAsString(Map.of(
                "issuer", issuer, "audience", audience(tenant), "userClaim", "email", "groupsClaim", "groups",
                "groupMappings", List.of(Map.of("group", "payments-devs", "team", "payments",
                        "roles", List.of("AUTHOR", "VIEWER"))),
                "adminGroup", "baton-admins")));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

        String developer = ISSUER.issueToken(realm, "u-1", audience(tenant), Map.of("email", "dev@example.com",
                "name", "Dev", "groups", List.of("payments-devs"))).serialize();
        HttpResponse<String> defined = send("POST", "/api/metadata/taskdefs?team=payments", developer,
                "[{\"name\":\"charge\"}]");
        assertThat(defined.statusCode()).as(defined.body()).isEqualTo(200);
        assertThat(metadata.taskDef(tenant, "charge")).as("registered in the issuer's tenant").isPresent();
        HttpResponse<String> audit = send("GET", "/api/audit?action=" + java.net.URLEncoder.encode(
                "POST /api/metadata/taskdefs", java.nio.charset.StandardCharsets.UTF_8), admin, null);
        JsonNode entry = JSON.readTree(audit.body()).get(0);
        assertThat(entry.get("actorName").asString()).isEqualTo("Dev");
        assertThat(entry.get("actor").asString()).endsWith(":dev@example.com");

        HttpResponse<String> notAdmin = send("GET", "/api/audit", developer, null);
        assertThat(notAdmin.statusCode()).isEqualTo(403);
        String tenantAdmin = ISSUER.issueToken(realm, "u-2", audience(tenant), Map.of("email", "boss@example.com",
                "groups", List.of("baton-admins"))).serialize();
        assertThat(send("GET", "/api/audit", tenantAdmin, null).statusCode()).isEqualTo(200);

        String outsider = ISSUER.issueToken(realm, "u-3", audience(tenant), Map.of("email", "x@example.com",
                "groups", List.of("marketing"))).serialize();
        HttpResponse<String> refused = send("GET", "/api/metadata/taskdefs/charge", outsider, null);
        assertThat(refused.statusCode()).as("no group maps to a team").isEqualTo(403);
    }

    @Test
    void tokensOfUnregisteredIssuersOrOtherAudiencesAreRefused() throws Exception {
        TenantId tenant = createTenant("oidc-" + UUID.randomUUID().toString().substring(0, 8));
        String admin = token(adminKey(tenant));
        String realm = "realm-" + tenant.value();
        send("POST", "/api/identity-providers", admin, JSON.writeValueAsString(Map.of(
                "issuer", ISSUER.issuerUrl(realm).toString(), "audience", audience(tenant))));

        String otherAudience = ISSUER.issueToken(realm, "u-1", "some-other-api", Map.of()).serialize();
        assertThat(send("GET", "/api/metadata/taskdefs", otherAudience, null).statusCode()).isEqualTo(401);
        String unregistered = ISSUER.issueToken("unregistered-" + realm, "u-1", audience(tenant), Map.of()).serialize();
        assertThat(send("GET", "/api/metadata/taskdefs", unregistered, null).statusCode()).isEqualTo(401);
        String good = ISSUER.issueToken(realm, "u-1", audience(tenant), Map.of()).serialize();
        assertThat(send("GET", "/api/metadata/taskdefs", good, null).statusCode()).isEqualTo(200);
        String longUser = ISSUER.issueToken(realm, "u".repeat(300), audience(tenant), Map.of()).serialize();
        HttpResponse<String> tooLong = send("GET", "/api/metadata/taskdefs", longUser, null);
        assertThat(tooLong.statusCode()).as("a user name the audit trail could not index").isEqualTo(401);
        assertThat(tooLong.body()).contains("of at most 255 characters");

        HttpResponse<String> bad = send("POST", "/api/identity-providers", admin, "{\"issuer\":\"not a url\","
                + "\"audience\":\"x\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("field").asString()).isEqualTo("issuer");
    }

    @Test
    void anotherTenantCanNeitherTakeNorDetectAnIssuersRegistration() throws Exception {
        TenantId first = createTenant("oidc-" + UUID.randomUUID().toString().substring(0, 8));
        TenantId second = createTenant("oidc-" + UUID.randomUUID().toString().substring(0, 8));
        String issuer = ISSUER.issuerUrl("shared-" + first.value()).toString();
        String firstAdmin = token(adminKey(first));
        String secondAdmin = token(adminKey(second));
        assertThat(send("POST", "/api/identity-providers", firstAdmin, JSON.writeValueAsString(Map.of(
                "issuer", issuer, "audience", audience(first)))).statusCode()).isEqualTo(201);

        // the first tenant's audience is not the second's to register: refused as out of its namespace, not as taken
        HttpResponse<String> taking = send("POST", "/api/identity-providers", secondAdmin, JSON.writeValueAsString(
                Map.of("issuer", issuer, "audience", audience(first))));
        assertThat(taking.statusCode()).isEqualTo(400);
        assertThat(send("POST", "/api/identity-providers", secondAdmin, JSON.writeValueAsString(Map.of("issuer",
                issuer, "audience", audience(second) + ":" + "a".repeat(300)))).statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(taking.body()).get("detail").asString())
                .contains("must be 'baton:" + second.value() + "'");
        // the same issuer under its own audience is the second tenant's, whoever registered the issuer before
        assertThat(send("POST", "/api/identity-providers", secondAdmin, JSON.writeValueAsString(Map.of(
                "issuer", issuer, "audience", audience(second)))).statusCode()).isEqualTo(201);
        HttpResponse<String> again = send("POST", "/api/identity-providers", secondAdmin, JSON.writeValueAsString(
                Map.of("issuer", issuer, "audience", audience(second))));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("this tenant has registered this issuer and audience already");

        String forSecond = ISSUER.issueToken("shared-" + first.value(), "u-9", audience(second), Map.of()).serialize();
        assertThat(send("GET", "/api/metadata/taskdefs", forSecond, null).statusCode()).isEqualTo(200);
    }

    private static String audience(TenantId tenant) {
        return "baton:" + tenant.value() + ":api";
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
