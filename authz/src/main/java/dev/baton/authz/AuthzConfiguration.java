package dev.baton.authz;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.audit.AuditFilter;
import dev.baton.authz.audit.AuditTrail;
import dev.baton.authz.audit.ConsoleRelay;
import dev.baton.authz.audit.SignInAudit;
import dev.baton.authz.audit.SignInEvents;
import dev.baton.authz.identity.ExternalIssuers;
import dev.baton.authz.identity.Identities;
import dev.baton.authz.identity.InitialAdministrator;
import dev.baton.authz.identity.RegisteredClients;
import dev.baton.authz.identity.Secrets;
import dev.baton.authz.identity.SignInThrottle;
import dev.baton.authz.identity.SignInUsers;
import dev.baton.authz.keys.SigningKeys;
import dev.baton.authz.token.CallerAuthentication;
import dev.baton.authz.token.CallerClaims;
import dev.baton.authz.token.CallerTokenCustomizer;
import dev.baton.authz.token.IssuerAuthentication;
import dev.baton.authz.token.TokenMinter;
import dev.baton.authz.web.ApplicationResource;
import dev.baton.authz.web.AuditResource;
import dev.baton.authz.web.GrantResource;
import dev.baton.authz.web.HeaderBearerTokenResolver;
import dev.baton.authz.web.ApiCallObserver;
import dev.baton.authz.web.IdentityProviderResource;
import dev.baton.authz.web.ProblemResponses;
import dev.baton.authz.web.TeamResource;
import dev.baton.authz.web.TenantLimitsFilter;
import dev.baton.authz.web.OwnTenantResource;
import dev.baton.authz.web.TenantResource;
import dev.baton.authz.web.TokenResource;
import dev.baton.authz.web.UserResource;
import dev.baton.tenancy.RequestRates;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.Tenants;
import dev.baton.authz.token.RevokedTokenHandler;
import dev.baton.authz.token.Revocations;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sign-in for the whole platform: the built-in OAuth2 authorization server, the API's token validation, and the
 * login page, as three filter chains tried in that order.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
@Import({TokenResource.class, AuditResource.class, TeamResource.class, UserResource.class,
    ApplicationResource.class, GrantResource.class, TenantResource.class, OwnTenantResource.class,
    IdentityProviderResource.class})
public class AuthzConfiguration {

    /**
     * Spring Security would wrap every filter of every chain in a Micrometer observation: a measurable share of each
     * call's CPU (docs/performance.md). Requests are still observed by Spring MVC's own http.server.requests.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new DelegatingPasswordEncoder("bcrypt",
                Map.of("bcrypt", new BCryptPasswordEncoder(), Secrets.ENCODER_ID, new Secrets()));
    }

    /** Failed sign-ins counted per credential and address ({@code baton.auth.sign-in-throttle.*}). */
    @Bean
    SignInThrottle signInThrottle(
            @Value("${baton.auth.sign-in-throttle.per-address:5}") int perAddress,
            @Value("${baton.auth.sign-in-throttle.per-credential:20}") int perCredential,
            @Value("${baton.auth.sign-in-throttle.window:PT15M}") Duration window,
            @Value("${baton.auth.sign-in-throttle.first-block:PT30S}") Duration firstBlock,
            @Value("${baton.auth.sign-in-throttle.longest-block:PT15M}") Duration longestBlock) {
        return new SignInThrottle(Clock.systemUTC(), perAddress, perCredential, window, firstBlock, longestBlock);
    }

    /** Revoked subjects, keys and tokens, seen by every node within {@code baton.auth.revocation-poll-interval}. */
    @Bean(initMethod = "start", destroyMethod = "close")
    Revocations revocations(TenantTransactions tx, JdbcClient jdbc, AuthProperties props,
            @Value("${baton.auth.revocation-poll-interval:PT1S}") Duration pollInterval) {
        return new Revocations(tx, jdbc, Clock.systemUTC(), props.tokenLifetime(), pollInterval);
    }

    @Bean
    Identities identities(TenantTransactions tx, JdbcClient jdbc, PasswordEncoder passwords, Revocations revocations) {
        return new Identities(tx, jdbc, passwords, revocations);
    }

    @Bean
    AccessPolicy accessPolicy(TenantTransactions tx, JdbcClient jdbc) {
        return new AccessPolicy(tx, jdbc);
    }

    /** Every call to an address a tenant chose goes through this one policy ({@code baton.outbound.*}). */
    @Bean(destroyMethod = "close")
    OutboundAddressPolicy outboundAddressPolicy(
            @Value("${baton.outbound.allow-http:false}") boolean allowHttp,
            @Value("${baton.outbound.allowed-ranges:}") List<String> allowedRanges,
            @Value("${baton.outbound.connect-timeout:PT5S}") Duration connectTimeout,
            @Value("${baton.outbound.read-timeout:PT5S}") Duration readTimeout,
            @Value("${baton.outbound.max-response-bytes:1048576}") long maxResponseBytes) {
        return new OutboundAddressPolicy(new OutboundAddressPolicy.Settings(allowHttp, allowedRanges, connectTimeout,
                readTimeout, maxResponseBytes));
    }

    @Bean
    ExternalIssuers externalIssuers(TenantTransactions tx, JdbcClient jdbc) {
        return new ExternalIssuers(tx, jdbc, Clock.systemUTC());
    }

    @Bean
    SigningKeys signingKeys(JdbcClient jdbc, PlatformTransactionManager transactions, AuthProperties props) {
        SigningKeys keys = new SigningKeys(jdbc, new TransactionTemplate(transactions), Clock.systemUTC(),
                props.keyRotation(), props.tokenLifetime());
        keys.rotate();
        return keys;
    }

    /** Rotates signing keys and forgets expired authorization codes and tokens, every ten minutes. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService authMaintenance(SigningKeys keys, JdbcClient jdbc, Revocations revocations) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("auth-maintenance").daemon().factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                keys.rotate();
                jdbc.sql("DELETE FROM oauth2_authorization WHERE greatest(authorization_code_expires_at, "
                        + "access_token_expires_at, refresh_token_expires_at) < now()").update();
                revocations.purge();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(AuthzConfiguration.class).warn("auth maintenance failed", e);
            }
        }, 10, 10, TimeUnit.MINUTES);
        return scheduler;
    }

    @Bean
    JwtEncoder jwtEncoder(JWKSource<SecurityContext> keys) {
        return new NimbusJwtEncoder(keys);
    }

    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, AuthProperties props) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys).jwsAlgorithm(SignatureAlgorithm.RS256)
                .build();
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>("aud",
                aud -> aud != null && aud.contains(CallerClaims.AUDIENCE));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(props.issuer()), audience));
        return decoder;
    }

    @Bean
    TokenMinter tokenMinter(JwtEncoder encoder, AuthProperties props) {
        return new TokenMinter(encoder, Clock.systemUTC(), props.issuer(), props.tokenLifetime());
    }

    @Bean
    RegisteredClientRepository registeredClients(Identities identities, SignInThrottle throttle, AuthProperties props) {
        return new RegisteredClients(identities, throttle, props.tokenLifetime(), props.consoleRedirectUris());
    }

    @Bean
    OAuth2AuthorizationService authorizations(JdbcOperations jdbc, RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationService(jdbc, clients);
    }

    @Bean
    CallerTokenCustomizer callerTokenCustomizer(Identities identities, SignInAudit audit) {
        return new CallerTokenCustomizer(identities, audit);
    }

    @Bean(destroyMethod = "close")
    AuditTrail auditTrail(TenantTransactions tx, JdbcClient jdbc,
            @Value("${baton.audit.seal-pace:PT0.2S}") Duration sealPace) {
        return new AuditTrail(tx, jdbc, Clock.systemUTC(), sealPace);
    }

    @Bean
    SignInAudit signInAudit(AuditTrail trail) {
        return new SignInAudit(trail, Clock.systemUTC());
    }

    @Bean
    SignInEvents signInEvents(Identities identities, SignInAudit audit, SignInThrottle throttle) {
        return new SignInEvents(identities, audit, throttle);
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(AuthProperties props) {
        return AuthorizationServerSettings.builder().issuer(props.issuer()).build();
    }

    @Bean
    SignInUsers signInUsers(Identities identities, SignInThrottle throttle, SignInAudit audit) {
        return new SignInUsers(identities, throttle,
                login -> audit.refusedLogin(identities.userForSignIn(login), login, "password-throttled"));
    }

    @Bean
    InitialAdministrator initialAdministrator(Identities identities, TenantTransactions tx, AuthProperties props) {
        return new InitialAdministrator(identities, tx, props.initialCredentialsFile());
    }

    @Bean
    BearerTokenResolver bearerTokenResolver() {
        return new HeaderBearerTokenResolver();
    }

    /** Validates bearer tokens of this server and of the tenants' own issuers; the API and the console share it. */
    @Bean
    IssuerAuthentication issuerAuthentication(JwtDecoder decoder, ExternalIssuers external,
            OutboundAddressPolicy outbound, Revocations revocations, AuthProperties props) {
        return new IssuerAuthentication(props.issuer(), decoder, external, outbound, Clock.systemUTC(), revocations);
    }

    @Bean
    ConsoleRelay consoleRelay() {
        return new ConsoleRelay();
    }

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerChain(HttpSecurity http, OAuth2AuthorizationService authorizations,
            Revocations revocations) throws Exception {
        OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
        http.securityMatcher(server.getEndpointsMatcher())
                .with(server, as -> as.oidc(Customizer.withDefaults())
                        // a revoked access token must stop working at once, not when it expires
                        .tokenRevocationEndpoint(revoke -> revoke.revocationResponseHandler(
                                new RevokedTokenHandler(authorizations, revocations))))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .oauth2ResourceServer(rs -> rs.jwt(Customizer.withDefaults()))
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiChain(HttpSecurity http, BearerTokenResolver tokens, AuditTrail trail, Tenants tenants,
            IssuerAuthentication issuers, ConsoleRelay relay, ObjectProvider<RequestRates> rates, JdbcClient jdbc,
            ObjectProvider<ApiCallObserver> calls) throws Exception {
        http.securityMatcher("/api/**", "/actuator/**")
                // not beans: Boot would also register a Filter bean for every request, outside this chain
                .addFilterAfter(new AuditFilter(trail, Clock.systemUTC(), relay), BearerTokenAuthenticationFilter.class)
                .addFilterAfter(new TenantLimitsFilter(tenants, rates.getIfAvailable(
                        () -> RequestRates.postgres(jdbc)), calls.getIfAvailable(() -> ApiCallObserver.NONE)),
                        AuditFilter.class)
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.POST, "/api/token").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/health").permitAll()
                        // external payload places: the URI itself is the capability, as Conductor's clients expect
                        .requestMatchers(HttpMethod.GET, "/api/payloads/*").permitAll()
                        .requestMatchers(HttpMethod.PUT, "/api/payloads/*").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // metrics and the like are for whoever runs the installation
                        .requestMatchers("/actuator/**").hasAuthority(CallerAuthentication.PLATFORM_OPERATOR)
                        .anyRequest().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .bearerTokenResolver(tokens)
                        .authenticationEntryPoint(ProblemResponses.unauthenticated())
                        .accessDeniedHandler(ProblemResponses.forbidden())
                        .authenticationManagerResolver(issuers.byRequest()))
                .exceptionHandling(e -> e.authenticationEntryPoint(ProblemResponses.unauthenticated())
                        .accessDeniedHandler(ProblemResponses.forbidden()));
        return http.build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain pageChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/api-docs", "/api-docs/**",
                                "/login", "/error", "/health")
                        .permitAll()
                        .anyRequest().authenticated())
                // the page itself is the console's (GET /login); the form posts here
                .formLogin(login -> login.loginPage("/login").permitAll())
                .logout(logout -> logout.logoutSuccessUrl("/login?signed-out"));
        return http.build();
    }
}
