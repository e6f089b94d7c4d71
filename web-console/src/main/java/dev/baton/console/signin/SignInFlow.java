package dev.baton.console.signin;

import dev.baton.authz.identity.ExternalIssuers;
import dev.baton.authz.identity.RegisteredClients;
import dev.baton.authz.token.CallerAuthentication;
import dev.baton.authz.token.IssuerAuthentication;
import dev.baton.console.api.ApiClient;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.io.Serializable;
import java.util.List;
import java.util.UUID;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.web.bind.annotation.PathVariable;
import tools.jackson.databind.json.JsonMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The console signs people in as any other client of the built-in authorization server would: the authorization
 * code grant with PKCE through the login page, the code exchanged at the token endpoint, the access token kept in
 * the server-side session (never in the browser).
 */
@Controller
public class SignInFlow {

    /** The session attribute holding the person's access token. */
    public static final String TOKEN = SignInFlow.class.getName() + ".token";

    private static final String PENDING = SignInFlow.class.getName() + ".pending";
    private static final Pattern SAFE_NEXT = Pattern.compile("/console(/[A-Za-z0-9._~%/-]*)?(\\?[^\\s\\\\]*)?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiClient api;
    private final ExternalIssuers external;
    private final IssuerAuthentication issuers;
    private final OutboundAddressPolicy outbound;

    public SignInFlow(ApiClient api, ExternalIssuers external, IssuerAuthentication issuers,
            OutboundAddressPolicy outbound) {
        this.api = api;
        this.external = external;
        this.issuers = issuers;
        this.outbound = outbound;
    }

    /** {@code next} if it is a console page of this server, else null (no open redirects). */
    public static String safeNext(String next) {
        return next != null && next.length() <= 2000 && SAFE_NEXT.matcher(next).matches() && !next.contains("//")
                ? next : null;
    }

    /**
     * A sign-in in progress: its PKCE verifier and the page to return to; for a tenant's own issuer also the
     * tenant, the issuer and where to exchange the code.
     */
    private record Pending(String state, String verifier, String next, String tenant, String issuer,
            String tokenEndpoint, String clientId) implements Serializable {}

    @GetMapping("/")
    String root() {
        return "redirect:/console";
    }

    @GetMapping("/console/sign-in")
    String signIn(@RequestParam(required = false) String next, HttpServletRequest request) {
        return authorize(request, "/oauth2/authorize", RegisteredClients.CONSOLE, "/console/callback",
                "openid profile", next, null, null, null);
    }

    @GetMapping("/console/callback")
    String callback(@RequestParam(required = false) String code, @RequestParam(required = false) String state,
            @RequestParam(required = false) String error, HttpServletRequest request, Model model) {
        Pending pending = pending(request, state);
        if (pending == null || pending.issuer() != null) {
            return stopped(model, "This sign-in was not started here or has expired. Please sign in again.");
        }
        if (error != null || code == null) {
            return stopped(model, "Sign-in did not complete" + (error == null ? "." : ": " + error + "."));
        }
        return signedIn(request, api.exchangeCode(tokenRequest(code, pending, "/console/callback")),
                pending.next());
    }

    /** Asks for the tenant whose own identity provider the person signs in with, then lists its providers. */
    @GetMapping("/console/sign-in/organisation")
    String organisation(@RequestParam(required = false) String tenant, Model model) {
        model.addAttribute("tenant", tenant);
        if (tenant != null && !tenant.isBlank()) {
            // an unknown tenant and one without console providers answer alike
            TenantId id = tenantId(tenant);
            model.addAttribute("providers", id == null ? List.of() : external.forConsole(id));
        }
        return "console/organisation";
    }

    /** Sends the person to the tenant's issuer (authorization code with PKCE, as a public client). */
    @GetMapping("/console/sign-in/oidc/{provider}")
    String signInWithIssuer(@PathVariable UUID provider, @RequestParam String tenant,
            @RequestParam(required = false) String next, HttpServletRequest request, Model model) {
        TenantId id = tenantId(tenant);
        ExternalIssuers.Provider p = id == null ? null : external.forConsole(id).stream()
                .filter(x -> x.id().equals(provider)).findFirst().orElse(null);
        if (p == null) {
            return stopped(model, "This tenant has no such identity provider for the console.");
        }
        IssuerAuthentication.SignInEndpoints endpoints;
        try {
            endpoints = issuers.signInEndpoints(p.issuer());
        } catch (IllegalStateException e) {
            return stopped(model, "The identity provider cannot be used to sign in now: " + e.getMessage());
        }
        return authorize(request, endpoints.authorization().toString(), p.consoleClientId(),
                "/console/callback/oidc", "openid profile email", next, id.value(), p.issuer(),
                endpoints.token().toString());
    }

    /**
     * Back from the tenant's issuer: the code is exchanged at its token endpoint (through the outbound policy), and
     * the access token must be one the API accepts for that very tenant.
     */
    @GetMapping("/console/callback/oidc")
    String callbackFromIssuer(@RequestParam(required = false) String code,
            @RequestParam(required = false) String state, @RequestParam(required = false) String error,
            HttpServletRequest request, Model model) {
        Pending pending = pending(request, state);
        if (pending == null || pending.issuer() == null) {
            return stopped(model, "This sign-in was not started here or has expired. Please sign in again.");
        }
        if (error != null || code == null) {
            return stopped(model, "Sign-in did not complete" + (error == null ? "." : ": " + error + "."));
        }
        String token;
        try {
            OutboundAddressPolicy.Response answer = outbound.exchange(new OutboundAddressPolicy.Request("POST",
                    pending.tokenEndpoint(), Map.of("Content-Type", "application/x-www-form-urlencoded",
                            "Accept", "application/json"),
                    tokenRequest(code, pending, "/console/callback/oidc").getBytes(StandardCharsets.UTF_8), null));
            if (answer.status() != 200) {
                return stopped(model, "The identity provider refused the sign-in (" + answer.status() + ").");
            }
            token = JSON.readTree(answer.body()).path("access_token").asString(null);
        } catch (RuntimeException e) {
            return stopped(model, "The identity provider could not be reached to finish the sign-in.");
        }
        if (token == null) {
            return stopped(model, "The identity provider gave no access token.");
        }
        try {
            AuthenticationManager manager = issuers.resolve(pending.issuer());
            Authentication signedIn = manager == null ? null
                    : manager.authenticate(new BearerTokenAuthenticationToken(token));
            if (!(signedIn instanceof CallerAuthentication c)
                    || !c.caller().tenant().value().equals(pending.tenant())) {
                return stopped(model, "The identity provider's token is not one this tenant accepts.");
            }
        } catch (AuthenticationException e) {
            return stopped(model, "The identity provider's token is not one this tenant accepts: " + e.getMessage());
        }
        return signedIn(request, token, pending.next());
    }

    @PostMapping("/console/sign-out")
    String signOut(HttpServletRequest request, Model model) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            // one session holds both the console's token and the authorization server's sign-in: both end here
            session.invalidate();
        }
        model.addAttribute("message", "You have signed out.");
        return "console/signed-out";
    }

    /**
     * Starts a sign-in at {@code authorizeUrl} (the built-in server's or a tenant's issuer's): a state and PKCE
     * verifier kept in the session with where to return, and the browser sent to the issuer.
     */
    private static String authorize(HttpServletRequest request, String authorizeUrl, String clientId,
            String callbackPath, String scope, String next, String tenant, String issuer, String tokenEndpoint) {
        String state = random();
        String verifier = random();
        String back = safeNext(next);
        request.getSession().setAttribute(PENDING, new Pending(state, verifier, back == null ? "/console" : back,
                tenant, issuer, tokenEndpoint, clientId));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("redirect_uri", callback(callbackPath));
        query.put("scope", scope);
        query.put("state", state);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        return "redirect:" + authorizeUrl + (authorizeUrl.contains("?") ? "&" : "?") + ApiClient.query(query);
    }

    /** The form that exchanges {@code code} for tokens, for the sign-in {@code pending} started. */
    private static String tokenRequest(String code, Pending pending, String callbackPath) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", callback(callbackPath));
        form.put("client_id", pending.clientId());
        form.put("code_verifier", pending.verifier());
        return ApiClient.query(form);
    }

    /** The sign-in this session started with {@code state}, used up now; null when there is none. */
    private static Pending pending(HttpServletRequest request, String state) {
        HttpSession session = request.getSession(false);
        Pending pending = session == null ? null : (Pending) session.getAttribute(PENDING);
        if (pending == null || state == null || !MessageDigest.isEqual(
                pending.state().getBytes(StandardCharsets.UTF_8), state.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        session.removeAttribute(PENDING);
        return pending;
    }

    private static String signedIn(HttpServletRequest request, String token, String next) {
        // a new session id once signed in: an id planted before sign-in is worth nothing after it
        request.changeSessionId();
        request.getSession().setAttribute(TOKEN, token);
        return "redirect:" + next;
    }

    private static String stopped(Model model, String why) {
        model.addAttribute("message", why);
        return "console/signed-out";
    }

    private static TenantId tenantId(String tenant) {
        try {
            return TenantId.of(tenant.trim().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
    }

    private static String callback(String path) {
        return ServletUriComponentsBuilder.fromCurrentContextPath().path(path).build().toUriString();
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
