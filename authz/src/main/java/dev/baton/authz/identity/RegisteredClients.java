package dev.baton.authz.identity;

import dev.baton.authz.audit.SignInAudit;
import java.time.Duration;
import java.util.List;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The OAuth2 clients of the built-in authorization server: every application key is a confidential client for the
 * client-credentials grant (client id = key id, client secret = key secret), and the console is a public client
 * that signs people in with the authorization-code grant and PKCE.
 */
public final class RegisteredClients implements RegisteredClientRepository {

    /** The client id of the web console and other interactive tools. */
    public static final String CONSOLE = "baton-console";

    private final Identities identities;
    private final SignInThrottle throttle;
    private final Duration tokenLifetime;
    private final RegisteredClient console;

    public RegisteredClients(Identities identities, SignInThrottle throttle, Duration tokenLifetime,
            List<String> consoleRedirectUris) {
        this.identities = identities;
        this.throttle = throttle;
        this.tokenLifetime = tokenLifetime;
        this.console = RegisteredClient.withId(CONSOLE).clientId(CONSOLE).clientName("Baton console")
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUris(uris -> uris.addAll(consoleRedirectUris))
                .scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE)
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false)
                        .build())
                .tokenSettings(tokens())
                .build();
    }

    @Override
    public void save(RegisteredClient registeredClient) {
        // Clients are derived from application keys, which are managed through the API. The server calls this
        // only to re-hash a key secret with bcrypt; SHA-256 is the intended storage for 256-bit secrets, so the
        // request is ignored.
    }

    /** Reading a stored authorization back: the client as it is, throttled or not. */
    @Override
    public RegisteredClient findById(String id) {
        return lookUp(id);
    }

    /** Authenticating a client: a key whose secret failed too often is unknown until its block ends. */
    @Override
    public RegisteredClient findByClientId(String clientId) {
        if (throttle.blocked(clientId, SignInAudit.currentAddress()).isPresent()) {
            return null;
        }
        return lookUp(clientId);
    }

    private RegisteredClient lookUp(String clientId) {
        if (CONSOLE.equals(clientId)) {
            return console;
        }
        return identities.keyForSignIn(clientId).filter(k -> !k.revoked() && k.tenantActive())
                .map(k -> RegisteredClient.withId(clientId).clientId(clientId)
                        .clientSecret("{" + Secrets.ENCODER_ID + "}" + k.secretHash())
                        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                        .tokenSettings(tokens())
                        .build())
                .orElse(null);
    }

    private TokenSettings tokens() {
        return TokenSettings.builder().accessTokenTimeToLive(tokenLifetime)
                .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED).build();
    }
}
