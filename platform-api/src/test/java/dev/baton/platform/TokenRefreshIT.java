package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.MetadataClient;
import io.orkes.conductor.client.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Tokens that expire while the official client runs: the server says EXPIRED_TOKEN, and the client signs in again
 * with its key and retries by itself, so the calls of a long-running client keep working.
 */
class TokenRefreshIT {

    @Test
    void theOfficialClientSignsInAgainWhenItsTokenExpiresAndItsCallsGoOn() throws Exception {
        Path credentials = Files.createTempDirectory("baton-refresh-").resolve("initial-credentials");
        try (ServerProcess server = ServerProcess.onDatabase(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword(), "--baton.auth.token-lifetime=PT2S",
                "--baton.auth.initial-credentials-file=" + credentials)) {
            server.start(Duration.ofSeconds(90));
            String[] key;
            if (Files.exists(credentials)) {
                Properties p = new Properties();
                try (var in = Files.newBufferedReader(credentials)) {
                    p.load(in);
                }
                key = new String[] {p.getProperty("BATON_KEY_ID"), p.getProperty("BATON_KEY_SECRET")};
            } else {
                key = TestKeys.tenantAdminKey();
            }
            ConductorClient client = new ApiClient(server.baseUrl() + "/api", key[0], key[1]);
            MetadataClient metadata = new MetadataClient(client);
            assertThat(metadata.getAllWorkflowsWithLatestVersions()).isNotNull();
            Thread.sleep(3_000); // the token the client holds has expired
            assertThat(metadata.getAllWorkflowsWithLatestVersions()).isNotNull();
            Thread.sleep(3_000);
            assertThat(metadata.getAllWorkflowsWithLatestVersions()).isNotNull();
        }
    }
}
