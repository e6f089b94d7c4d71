package dev.baton.authz;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of sign-in ({@code baton.auth.*}).
 *
 * @param issuer the issuer URL written into and required of this installation's tokens; the address clients reach
 *     the server at
 * @param tokenLifetime how long an access token is valid; a revoked key's tokens stay valid at most this long
 * @param keyRotation how often a new signing key is made
 * @param consoleRedirectUris where the console client may receive authorization codes (a loopback address matches
 *     any port, as RFC 8252 asks)
 * @param initialCredentialsFile where the first start of an empty installation writes its administrator's
 *     credentials (readable by the owner only)
 */
@ConfigurationProperties("baton.auth")
public record AuthProperties(
        @DefaultValue("http://localhost:8080") String issuer,
        @DefaultValue("PT1H") Duration tokenLifetime,
        @DefaultValue("P30D") Duration keyRotation,
        @DefaultValue("http://127.0.0.1:8080/console/callback")
        List<String> consoleRedirectUris,
        @DefaultValue("data/initial-credentials") Path initialCredentialsFile) {}
