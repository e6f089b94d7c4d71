package dev.baton.platform.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.platform.PlatformIT;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Identity providers are the first thing that makes the server call an address a tenant chose: refused ranges are
 * refused at registration, and a token naming an issuer that does not answer gets 401 quickly, from one attempt
 * shared by every request, never a 500 or a hang.
 */
class OutboundCallsIT extends PlatformIT {

    @Test
    void issuersInRefusedAddressRangesCannotBeRegistered() throws Exception {
        String admin = adminToken();
        assertRefused(admin, "https://169.254.169.254/latest", "resolves to 169.254.169.254, a link-local address");
        assertRefused(admin, "https://10.1.2.3", "resolves to 10.1.2.3, a private address");
        assertRefused(admin, "https://192.168.0.1", "resolves to 192.168.0.1, a private address");
        assertRefused(admin, "https://127.0.0.2:8443", "resolves to 127.0.0.2, a loopback address");
        assertRefused(admin, "http://[::1]:8080", "resolves to 0:0:0:0:0:0:0:1, a loopback address");
        assertRefused(admin, "https://[::ffff:10.0.0.1]", "resolves to 10.0.0.1, a private address");
        assertRefused(admin, "https://0.0.0.0", "resolves to 0.0.0.0, the unspecified address");
        assertRefused(admin, "https://100.64.0.1", "resolves to 100.64.0.1, a carrier-grade NAT address");
        assertRefused(admin, "https://user:secret@example.com", "must not carry user information");
        assertRefused(admin, "ftp://example.com", "must be an http(s) URL");
    }

    @Test
    void aTokenFromAnIssuerThatNeverAnswersGets401FromOneSharedAttempt() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            AtomicInteger connections = new AtomicInteger();
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // accepts, reads nothing, answers nothing
                        connections.incrementAndGet();
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            String issuer = "http://127.0.0.1:" + silent.getLocalPort();
            HttpResponse<String> registered = call("POST", "/api/identity-providers", adminToken(),
                    "{\"issuer\":\"" + issuer + "\",\"audience\":\"baton:default:" + unique("aud") + "\"}");
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

            String forged = unsignedToken(issuer);
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                burst.add(CompletableFuture.supplyAsync(() -> get("/api/metadata/workflow", forged)));
            }
            for (CompletableFuture<HttpResponse<String>> call : burst) {
                HttpResponse<String> r = call.join();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
                assertThat(r.body()).contains("cannot use the issuer " + issuer);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the read timeout")
                    .isLessThan(Duration.ofSeconds(8));
            HttpResponse<String> again = get("/api/metadata/workflow", forged);
            assertThat(again.statusCode()).isEqualTo(401);
            assertThat(connections.get()).as("one discovery for the burst and the call after it").isEqualTo(1);
            acceptor.interrupt();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private void assertRefused(String admin, String issuer, String reason) throws Exception {
        HttpResponse<String> r = call("POST", "/api/identity-providers", admin,
                "{\"issuer\":\"" + issuer + "\",\"audience\":\"baton:default:" + unique("aud") + "\"}");
        assertThat(r.statusCode()).as(issuer + ": " + r.body()).isEqualTo(400);
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("field").asString()).isEqualTo("issuer");
        assertThat(problem.get("detail").asString()).as(issuer).contains(reason);
    }

    private static String unsignedToken(String issuer) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"" + issuer + "\",\"sub\":\"mallory\",\"exp\":4102444800}")
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + claims + "." + b64.encodeToString(new byte[256]);
    }

    private HttpResponse<String> get(String path, String token) {
        try {
            return call("GET", path, token, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
