package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import tools.jackson.databind.json.JsonMapper;

/** Calls to server processes (`ServerProcess`) as a client of their API: signing in, sending, expecting. */
final class NodeApi {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private NodeApi() {}

    /** The first administrator's key, or one made in the database when other tests created users first. */
    static String[] adminKey(Path credentials) throws Exception {
        if (Files.exists(credentials)) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(credentials)) {
                p.load(in);
            }
            return new String[] {p.getProperty("BATON_KEY_ID"), p.getProperty("BATON_KEY_SECRET")};
        }
        return TestKeys.tenantAdminKey();
    }

    static String token(String base, String[] key) throws Exception {
        HttpResponse<String> r = send(base, null, "POST", "/api/token", Map.of("keyId", key[0], "keySecret", key[1]));
        expect(r, 200);
        return JSON.readTree(r.body()).get("token").asString();
    }

    static HttpResponse<String> send(String base, String token, String method, String path, Object body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("X-Authorization", token);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("%s %s answered %s", response.request().method(),
                response.request().uri(), response.body()).isEqualTo(status);
    }
}
