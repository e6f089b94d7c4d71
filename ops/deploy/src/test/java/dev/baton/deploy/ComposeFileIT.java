package dev.baton.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The compose file under ops/deploy/compose: PostgreSQL, Redis and Elasticsearch beside the platform's image. */
class ComposeFileIT {

    private static JsonNode compose;

    @BeforeAll
    static void read() throws IOException {
        compose = new YAMLMapper().readTree(Path.of(System.getProperty("baton.it.compose",
                "compose/compose.yaml")).toFile());
    }

    @Test
    void theServicesWaitForWhatThePlatformNeedsButNotForSearch() throws Exception {
        JsonNode services = compose.get("services");
        JsonNode baton = services.get("baton");

        assertThat(fieldNames(services)).containsExactly("postgres", "redis", "elasticsearch", "baton");
        // the image compose runs is the one the build tags
        assertThat(baton.get("image").asString()).isEqualTo(ImageLayout.unpacked().repoTag());
        assertThat(fieldNames(baton.get("depends_on"))).containsExactly("postgres", "redis", "elasticsearch");
        assertThat(baton.at("/depends_on/postgres/condition").asString()).isEqualTo("service_healthy");
        assertThat(baton.at("/depends_on/redis/condition").asString()).isEqualTo("service_healthy");
        assertThat(baton.at("/depends_on/elasticsearch/condition").asString()).isEqualTo("service_started");
        for (String service : List.of("postgres", "redis", "elasticsearch", "baton")) {
            assertThat(services.at("/" + service + "/healthcheck/test").isArray()).as(service).isTrue();
        }
        assertThat(baton.at("/volumes/0").asString()).isEqualTo("baton-data:/var/lib/baton");
        assertThat(baton.at("/ports/0").asString()).isEqualTo("8080:8080");
        assertThat(environment(baton)).containsEntry("BATON_DATABASE_URL", "jdbc:postgresql://postgres:5432/baton")
                .containsEntry("BATON_REDIS_URL", "redis://redis:6379")
                .containsEntry("BATON_SEARCH_URL", "http://elasticsearch:9200")
                .containsEntry("BATON_SEARCH_KIND", "elasticsearch");
    }

    @Test
    void theImageRunsWithTheComposeEnvironmentServesSearchWithoutTheIndexAndPassesItsHealthcheck()
            throws Exception {
        JsonNode baton = compose.at("/services/baton");
        int port = RunningPlatform.freePort();
        // the services' names resolve to this machine's: the test PostgreSQL (a new database), Redis, and a search
        // address where nothing answers
        Map<String, String> env = environment(baton);
        env.put("BATON_ISSUER", "http://127.0.0.1:" + port);
        env.put("BATON_DATABASE_URL", TestPostgres.newDatabase());
        env.put("BATON_DATABASE_OWNERUSERNAME", TestPostgres.USER);
        env.put("BATON_DATABASE_OWNERPASSWORD", TestPostgres.PASSWORD);
        env.put("BATON_REDIS_URL", env.get("BATON_REDIS_URL").replace("//redis:", "//127.0.0.1:"));
        env.put("BATON_SEARCH_URL", env.get("BATON_SEARCH_URL").replace("//elasticsearch:9200",
                "//127.0.0.1:" + RunningPlatform.freePort()));

        try (RunningPlatform node = RunningPlatform.start(ImageLayout.unpacked(), env, "768m", port)) {
            node.awaitOk("/actuator/health/readiness", Duration.ofSeconds(180));

            assertThat(healthcheck(baton, port)).isZero();
            // searches are answered by PostgreSQL while the index cannot be reached
            String token = node.adminToken();
            var search = node.get("/api/workflow/search?start=0&size=10", token);
            assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
            assertThat(search.body()).contains("\"totalHits\":0");

            Duration grace = Duration.parse("PT" + baton.get("stop_grace_period").asString().toUpperCase());
            assertThat(node.stop(grace)).isLessThan(Duration.ofSeconds(30));
        }
    }

    /** Runs the service's healthcheck command (its CMD form) on this machine against {@code port}; its exit code. */
    private static int healthcheck(JsonNode service, int port) throws IOException, InterruptedException {
        List<String> test = new ArrayList<>();
        service.at("/healthcheck/test").forEach(part -> test.add(part.asString().replace("/8080", "/" + port)));
        assertThat(test.getFirst()).isEqualTo("CMD");
        Process check = new ProcessBuilder(test.subList(1, test.size())).redirectErrorStream(true).start();
        if (!check.waitFor(Duration.parse("PT" + service.at("/healthcheck/timeout").asString().toUpperCase())
                .toMillis(), TimeUnit.MILLISECONDS)) {
            check.destroyForcibly();
            throw new AssertionError("the healthcheck did not end within its timeout");
        }
        return check.exitValue();
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        service.get("environment").properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
        return env;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        names.addAll(node.propertyNames());
        return names;
    }
}
