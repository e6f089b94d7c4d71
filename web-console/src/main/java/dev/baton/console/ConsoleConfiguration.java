package dev.baton.console;

import dev.baton.authz.audit.ConsoleRelay;
import dev.baton.authz.identity.ExternalIssuers;
import dev.baton.authz.token.IssuerAuthentication;
import dev.baton.console.api.ApiClient;
import dev.baton.console.signin.LoginPage;
import dev.baton.console.signin.SessionTokenFilter;
import dev.baton.console.signin.SignInFlow;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.NullSecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * The web console: pages under {@code /console}, signed in with the built-in authorization server's code flow, and
 * acting through the public API with the person's own token, so every check, validation and audit entry is the
 * API's.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan("dev.baton.console.pages")
public class ConsoleConfiguration {

    /** The API the console calls: this process, over loopback, unless {@code baton.console.api-url} says otherwise. */
    @Bean
    ApiClient consoleApiClient(Environment env, ConsoleRelay relay,
            @Value("${baton.console.api-url:}") String apiUrl,
            @Value("${baton.console.api-timeout:PT30S}") Duration timeout) {
        return new ApiClient(() -> apiUrl.isBlank()
                ? "http://127.0.0.1:" + env.getRequiredProperty("local.server.port") : apiUrl, relay, timeout);
    }

    @Bean
    SignInFlow consoleSignIn(ApiClient api, ExternalIssuers external, IssuerAuthentication issuers,
            OutboundAddressPolicy outbound) {
        return new SignInFlow(api, external, issuers, outbound);
    }

    @Bean
    LoginPage loginPage() {
        return new LoginPage();
    }

    @Bean
    @Order(0)
    SecurityFilterChain consoleChain(HttpSecurity http, IssuerAuthentication issuers) throws Exception {
        http.securityMatcher("/", "/console", "/console/**")
                // the session holds the person's access token, validated again on every page (revocation, expiry)
                .securityContext(c -> c.securityContextRepository(new NullSecurityContextRepository()))
                .addFilterBefore(new SessionTokenFilter(issuers), AuthorizationFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/console/sign-in", "/console/sign-in/**", "/console/callback",
                                "/console/callback/**", "/console/assets/**").permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint(new SignInEntryPoint()))
                .requestCache(cache -> cache.disable())
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; img-src 'self' data:; "
                                + "style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                                + "base-uri 'none'"))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
        return http.build();
    }

    /** Sends a person who is not signed in to the sign-in flow, remembering the page they asked for. */
    static final class SignInEntryPoint extends LoginUrlAuthenticationEntryPoint {

        SignInEntryPoint() {
            super("/console/sign-in");
        }

        @Override
        protected String determineUrlToUseForThisRequest(jakarta.servlet.http.HttpServletRequest request,
                jakarta.servlet.http.HttpServletResponse response,
                org.springframework.security.core.AuthenticationException exception) {
            String next = request.getRequestURI() + (request.getQueryString() == null ? ""
                    : "?" + request.getQueryString());
            return "GET".equals(request.getMethod()) && SignInFlow.safeNext(next) != null
                    ? "/console/sign-in?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8)
                    : "/console/sign-in";
        }
    }
}
