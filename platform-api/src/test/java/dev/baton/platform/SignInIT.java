package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import dev.baton.tenancy.TenantId;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** End-to-end sign-in through the built-in authorization server, as the console and as a machine client. */
class SignInIT extends PlatformIT {

    private static final String REDIRECT = "http://127.0.0.1:43123/console/callback";

    @Test
    void aPersonSignsInWithTheAuthorizationCodeFlowAndPkceAndActsInTheirOwnTenant() throws Exception {
        TenantId tenant = createTenant("signin-" + UUID.randomUUID().toString().substring(0, 8));
        String login = unique("ada") + "@example.com";
        UUID user = identities.createUser(tenant, login, "Ada", "correct horse battery", false);
        identities.createTeam(tenant, "analysts", null);
        identities.addMember(tenant, "analysts", user, EnumSet.of(Role.VIEWER));
        String verifier = pkceVerifier();
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();

        String authorize = url("/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id",
                "baton-console", "redirect_uri", REDIRECT, "scope", "openid profile", "state", "xyz",
                "code_challenge", challenge, "code_challenge_method", "S256")));
        HttpResponse<String> toLogin = browser.send(get(authorize), HttpResponse.BodyHandlers.ofString());
        assertThat(toLogin.statusCode()).isEqualTo(302);
        assertThat(toLogin.headers().firstValue("Location")).get().asString().endsWith("/login");

        HttpResponse<String> loginPage = browser.send(get(url("/login")), HttpResponse.BodyHandlers.ofString());
        String csrf = find(loginPage.body(), "name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"");

        String signInName = tenant.value() + "/" + login;
        HttpResponse<String> wrong = browser.send(post(url("/login"), form(Map.of("username", signInName,
                "password", "wrong", "_csrf", csrf))), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.headers().firstValue("Location")).get().asString().endsWith("/login?error");

        loginPage = browser.send(get(url("/login")), HttpResponse.BodyHandlers.ofString());
        csrf = find(loginPage.body(), "name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"");
        HttpResponse<String> signedIn = browser.send(post(url("/login"), form(Map.of("username", signInName,
                "password", "correct horse battery", "_csrf", csrf))), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        HttpResponse<String> backToClient = browser.send(get(signedIn.headers().firstValue("Location").orElseThrow()),
                HttpResponse.BodyHandlers.ofString());
        String callback = backToClient.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith(REDIRECT + "?code=").contains("state=xyz");
        String code = find(callback, "code=([^&]+)");

        Map<String, String> exchange = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code",
                java.net.URLDecoder.decode(code, StandardCharsets.UTF_8), "redirect_uri", REDIRECT, "client_id",
                "baton-console"));
        HttpResponse<String> noVerifier = browser.send(post(url("/oauth2/token"), form(exchange)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noVerifier.statusCode()).as("PKCE is required").isEqualTo(400);

        // the failed exchange spent the code; a second authorization gives a fresh one
        backToClient = browser.send(get(authorize), HttpResponse.BodyHandlers.ofString());
        code = find(backToClient.headers().firstValue("Location").orElseThrow(), "code=([^&]+)");
        exchange.put("code", java.net.URLDecoder.decode(code, StandardCharsets.UTF_8));
        exchange.put("code_verifier", verifier);
        HttpResponse<String> tokens = browser.send(post(url("/oauth2/token"), form(exchange)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(tokens.body());
        assertThat(body.has("id_token")).isTrue();
        String accessToken = body.get("access_token").asString();

        JsonNode claims = claimsOf(accessToken);
        assertThat(claims.get("tenant").asString()).isEqualTo(tenant.value());
        assertThat(claims.get("sub").asString()).isEqualTo(user.toString());
        assertThat(claims.get("kind").asString()).isEqualTo("user");
        assertThat(claims.get("teams").get("analysts").get(0).asString()).isEqualTo("VIEWER");
        assertThat(claims.get("aud").toString()).contains("baton");

        registerTask(unique("default_only"), "");
        HttpResponse<String> defs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                url("/api/metadata/taskdefs"))).header("Authorization", "Bearer " + accessToken).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(defs.statusCode()).isEqualTo(200);
        assertThat(defs.body()).as("the user sees their own tenant, not the default one").isEqualTo("[]");
    }

    @Test
    void aMachineSignsInWithTheClientCredentialsGrantUsingAnApplicationKey() throws Exception {
        Identities.NewKey key = adminKey(TENANT);
        HttpClient http = HttpClient.newHttpClient();
        String basic = Base64.getEncoder().encodeToString((key.id() + ":" + key.secret())
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> tokens = http.send(HttpRequest.newBuilder(URI.create(url("/oauth2/token")))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        String accessToken = JSON.readTree(tokens.body()).get("access_token").asString();
        assertThat(claimsOf(accessToken).get("kind").asString()).isEqualTo("application");
        assertThat(claimsOf(accessToken).get("tenant").asString()).isEqualTo(TENANT.value());

        HttpResponse<String> defs = http.send(HttpRequest.newBuilder(URI.create(url("/api/metadata/taskdefs")))
                .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(defs.statusCode()).isEqualTo(200);

        String wrongBasic = Base64.getEncoder().encodeToString((key.id() + ":not-the-secret")
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(url("/oauth2/token")))
                .header("Authorization", "Basic " + wrongBasic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
    }

    @Test
    void aRevokedKeyGetsNoNewToken() throws Exception {
        Identities.NewKey key = adminKey(TENANT);
        assertThat(token(key)).isNotBlank();
        assertThat(identities.revokeKey(TENANT, key.id())).isTrue();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                url("/api/token"))).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers
                        .ofString(JSON.writeValueAsString(Map.of("keyId", key.id(), "keySecret", key.secret()))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).get("field").asString()).isEqualTo("keySecret");
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").build();
    }

    private static HttpRequest post(String url, String form) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html,application/json").POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in %s", regex, text).isTrue();
        return m.group(1);
    }

    private static JsonNode claimsOf(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private static String pkceVerifier() {
        return dev.baton.authz.identity.Secrets.random(48);
    }
}
