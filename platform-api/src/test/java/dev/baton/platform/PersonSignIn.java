package dev.baton.platform;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/** Signs a person in as the console does (authorization code with PKCE through the login page): their access token. */
public final class PersonSignIn {

    private static final String REDIRECT = "http://127.0.0.1:43123/console/callback";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PersonSignIn() {
    }

    public static String accessToken(int port, String signInName, String password) throws Exception {
        String base = "http://localhost:" + port;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String authorize = base + "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id",
                "baton-console", "redirect_uri", REDIRECT, "scope", "openid", "state", "s",
                "code_challenge", challenge, "code_challenge_method", "S256"));
        browser.send(get(authorize), HttpResponse.BodyHandlers.ofString());
        String page = browser.send(get(base + "/login"), HttpResponse.BodyHandlers.ofString()).body();
        String csrf = find(page, "name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"");
        HttpResponse<String> signedIn = browser.send(post(base + "/login", form(Map.of("username", signInName,
                "password", password, "_csrf", csrf))), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> back = browser.send(get(signedIn.headers().firstValue("Location").orElseThrow()),
                HttpResponse.BodyHandlers.ofString());
        String code = URLDecoder.decode(find(back.headers().firstValue("Location").orElseThrow(), "code=([^&]+)"),
                StandardCharsets.UTF_8);
        Map<String, String> exchange = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT, "client_id", "baton-console", "code_verifier", verifier));
        HttpResponse<String> tokens = browser.send(post(base + "/oauth2/token", form(exchange)),
                HttpResponse.BodyHandlers.ofString());
        if (tokens.statusCode() != 200) {
            throw new IllegalStateException("sign-in failed: " + tokens.body());
        }
        return JSON.readTree(tokens.body()).get("access_token").asString();
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").build();
    }

    private static HttpRequest post(String url, String form) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + regex + " in " + text);
        }
        return m.group(1);
    }
}
