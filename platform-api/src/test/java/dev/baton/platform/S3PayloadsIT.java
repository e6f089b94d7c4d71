package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Large execution values kept in an S3-compatible store (a real s3rver process on loopback) instead of PostgreSQL:
 * the row keeps only the object's key, readers get the value whole, and removing the workflow removes the object.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class S3PayloadsIT extends PlatformIT {

    private static final String BUCKET = "baton-payloads";
    private static Process s3rver;
    private static String endpoint;

    @DynamicPropertySource
    static void objectStore(DynamicPropertyRegistry registry) throws Exception {
        startS3rver();
        registry.add("baton.payloads.s3.bucket", () -> BUCKET);
        registry.add("baton.payloads.s3.endpoint", () -> endpoint);
        registry.add("baton.payloads.s3.access-key", () -> "S3RVER");
        registry.add("baton.payloads.s3.secret-key", () -> "S3RVER");
        registry.add("baton.engine.payloads.offload-bytes", () -> "4096");
    }

    private static synchronized void startS3rver() throws Exception {
        if (s3rver != null) {
            return;
        }
        Path binary = Path.of(System.getenv().getOrDefault("BATON_TEST_S3RVER",
                System.getProperty("user.home") + "/.cache/baton/s3rver/node_modules/.bin/s3rver"));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no s3rver at " + binary + ": run .ci/run, or install it with 'npm install "
                    + "--prefix ~/.cache/baton/s3rver s3rver@3.7.1' (or point BATON_TEST_S3RVER at one)");
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path data = Files.createTempDirectory("baton-s3rver-");
        s3rver = new ProcessBuilder(binary.toString(), "--directory", data.toString(), "--address", "127.0.0.1",
                "--port", String.valueOf(port), "--configure-bucket", BUCKET, "--silent")
                .redirectErrorStream(true).redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile())
                .start();
        endpoint = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !s3rver.isAlive()) {
                    throw new IllegalStateException("s3rver did not start on port " + port, notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    @AfterAll
    static void stopS3rver() {
        if (s3rver != null) {
            s3rver.destroy();
            s3rver = null;
        }
    }

    @Test
    void aLargeOutputLivesInTheObjectStoreIsReadBackWholeAndGoesWithItsWorkflow() throws Exception {
        String worker = unique("s3_producer");
        String flow = oneTaskWorkflow(worker, "");
        UUID id = start(flow, Map.of());
        String blob = "ü".repeat(2000) + "s".repeat(20_000);
        complete(poll(worker), Map.of("blob", blob));
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));
        assertThat(done.getTasks().get(0).getOutputData()).isEqualTo(Map.of("blob", blob));
        assertThat(done.getOutput()).isEqualTo(Map.of("blob", blob));

        assertThat(ownerQuery("SELECT count(*)::text FROM execution_payloads WHERE workflow_id = ? "
                + "AND data IS NULL AND object_key IS NOT NULL", id)).as("the rows keep only where").isEqualTo("1");
        try (S3Client s3 = client()) {
            List<S3Object> objects = s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("baton/payloads/" + id + "/"))
                    .contents();
            assertThat(objects).hasSize(1);
            String key = objects.get(0).key();
            assertThat(new String(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray(),
                    java.nio.charset.StandardCharsets.UTF_8)).contains(blob);

            assertThat(call("DELETE", "/api/workflow/" + id + "/remove?archiveWorkflow=false", adminToken(), null)
                    .statusCode()).isEqualTo(200);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("baton/payloads/" + id + "/")).contents()
                    .isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("baton/payloads/" + id + "/")).contents())
                    .as("the removed workflow's objects are gone").isEmpty();
        }
    }

    private static S3Client client() {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation
                        .WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER")))
                .build();
    }
}
