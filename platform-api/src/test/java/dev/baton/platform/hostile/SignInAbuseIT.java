package dev.baton.platform.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.identity.Identities;
import dev.baton.platform.PlatformIT;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Guessing is throttled: after five wrong secrets or passwords for one credential from one address, even the right
 * one is refused for a while, each refusal is in the audit trail, and other credentials are not affected.
 */
class SignInAbuseIT extends PlatformIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aKeyWhoseSecretFailedFiveTimesIsRefusedThenWithRetryAfter() throws Exception {
        Identities.NewKey guessed = adminKey(TENANT);
        Identities.NewKey other = adminKey(TENANT);
        for (int i = 0; i < 5; i++) {
            assertThat(apiToken(guessed.id(), "wrong-" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> throttled = apiToken(guessed.id(), guessed.secret());
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(throttled.body()).contains("failed too often for this key; try again in");
        assertThat(apiToken(other.id(), other.secret()).statusCode()).as("another key").isEqualTo(200);

        HttpResponse<String> trail = call("GET", "/api/audit?action=sign-in/api-token-throttled", adminToken(), null);
        JsonNode entries = JSON.readTree(trail.body());
        assertThat(entries.toString()).contains(guessed.id()).contains("DENIED");
    }

    @Test
    void theClientCredentialsGrantIsThrottledToo() throws Exception {
        Identities.NewKey guessed = adminKey(TENANT);
        for (int i = 0; i < 5; i++) {
            assertThat(clientCredentials(guessed.id(), "wrong-" + i).statusCode()).isEqualTo(401);
        }
        assertThat(clientCredentials(guessed.id(), guessed.secret()).statusCode()).isEqualTo(401);
    }

    @Test
    void aLoginWhosePasswordFailedFiveTimesIsRefusedEvenWithTheRightOne() throws Exception {
        String login = unique("guessed").toLowerCase();
        identities.createUser(TENANT, login, "Guessed", "the right password", false);
        for (int i = 0; i < 5; i++) {
            assertThat(formLogin(login, "wrong " + i)).endsWith("/login?error");
        }
        assertThat(formLogin(login, "the right password")).as("throttled").endsWith("/login?error");
        String other = unique("bystander").toLowerCase();
        identities.createUser(TENANT, other, "Bystander", "the right password", false);
        assertThat(formLogin(other, "the right password")).doesNotEndWith("/login?error");

        HttpResponse<String> trail = call("GET", "/api/audit?action=sign-in/password-throttled", adminToken(), null);
        assertThat(trail.body()).contains(login);
    }

    private HttpResponse<String> apiToken(String keyId, String secret) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url("/api/token"))).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"keyId\":\"" + keyId
                        + "\",\"keySecret\":\"" + secret + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> clientCredentials(String keyId, String secret) throws Exception {
        String basic = Base64.getEncoder().encodeToString((keyId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(url("/oauth2/token")))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Posts the login form as a browser would; returns where it redirects. */
    private String formLogin(String login, String password) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String page = browser.send(HttpRequest.newBuilder(URI.create(url("/login"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"").matcher(page);
        assertThat(csrf.find()).isTrue();
        String form = "username=" + URLEncoder.encode(login, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + csrf.group(1);
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create(url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        return r.headers().firstValue("Location").orElseThrow();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
