package dev.baton.tenancy.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbound-address policy: which addresses it refuses, and how it bounds the calls it allows. */
class OutboundAddressPolicyTest {

    private HttpServer server;
    private String base;

    @BeforeEach
    void localServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/small", exchange -> {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/endless", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 1024; i++) {
                    out.write(chunk);
                }
            } catch (java.io.IOException clientGone) {
                // the policy stopped reading, as it should
            }
        });
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void refusesEveryInternalRangeAndAllowsPublicAddresses() throws Exception {
        for (String address : List.of("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
                "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "198.18.0.1", "192.0.0.8", "::1", "fe80::1",
                "fc00::1", "fd12:3456::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1")) {
            assertThat(OutboundAddressPolicy.refusal(InetAddress.getByName(address))).as(address).isNotNull();
        }
        for (String address : List.of("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "100.128.0.1", "172.32.0.1")) {
            assertThat(OutboundAddressPolicy.refusal(InetAddress.getByName(address))).as(address).isNull();
        }
    }

    @Test
    void checkingWithoutResolvingRefusesLiteralInternalAddressesAndAsksNoResolverForNames() {
        OutboundAddressPolicy strict = policy(false, List.of());
        assertThatThrownBy(() -> strict.checkWithoutResolving("https://10.1.2.3/x"))
                .hasMessage("is 10.1.2.3, a private address, which outbound calls may not reach");
        assertThatThrownBy(() -> strict.checkWithoutResolving("https://[::1]:8443/"))
                .hasMessageStartingWith("is 0:0:0:0:0:0:0:1, a loopback address");
        assertThatThrownBy(() -> strict.checkWithoutResolving("http://example.org/")).hasMessage("must be an https URL");
        // a name is left to the connection, which resolves and checks it; no DNS answer is waited for here
        assertThat(strict.checkWithoutResolving("https://does-not-exist.invalid/path").getHost())
                .isEqualTo("does-not-exist.invalid");
        assertThat(policy(false, List.of("10.0.0.0/8")).checkWithoutResolving("https://10.1.2.3/").getHost())
                .isEqualTo("10.1.2.3");
    }

    @Test
    void onlyHttpsUnlessAnOperatorAllowsHttpAndNoUserInformation() {
        OutboundAddressPolicy strict = policy(false, List.of());
        assertThatThrownBy(() -> strict.check("http://8.8.8.8/")).hasMessage("must be an https URL");
        assertThatThrownBy(() -> strict.check("https://user:pw@8.8.8.8/"))
                .hasMessage("must not carry user information");
        assertThatThrownBy(() -> strict.check("https://127.0.0.1/"))
                .hasMessage("resolves to 127.0.0.1, a loopback address, which outbound calls may not reach");
        assertThat(strict.check("https://8.8.8.8/x").getHost()).isEqualTo("8.8.8.8");
    }

    @Test
    void anAllowedRangeCanBeCalledWithinTheSizeCap() {
        OutboundAddressPolicy allowing = policy(true, List.of("127.0.0.1/32"));
        assertThat(allowing.get(base + "/small")).isEqualTo("{\"ok\":true}");
        assertThatThrownBy(() -> policy(true, List.of("127.0.0.2/32")).get(base + "/small"))
                .isInstanceOf(OutboundAddressPolicy.RefusedAddressException.class);
    }

    @Test
    void aResponseLargerThanTheCapIsCutOff() {
        OutboundAddressPolicy allowing = policy(true, List.of("127.0.0.1/32"));
        assertThatThrownBy(() -> allowing.get(base + "/endless"))
                .isInstanceOf(OutboundAddressPolicy.OutboundCallException.class)
                .hasMessage("the response is larger than 65536 bytes");
    }

    @Test
    void redirectsAreNotFollowed() {
        OutboundAddressPolicy allowing = policy(true, List.of("127.0.0.1/32"));
        assertThatThrownBy(() -> allowing.get(base + "/redirect"))
                .isInstanceOf(OutboundAddressPolicy.OutboundCallException.class)
                .hasMessage("127.0.0.1 answered 302");
    }

    private static OutboundAddressPolicy policy(boolean allowHttp, List<String> allowed) {
        return new OutboundAddressPolicy(new OutboundAddressPolicy.Settings(allowHttp, allowed, Duration.ofSeconds(2),
                Duration.ofSeconds(2), 64 * 1024));
    }
}
