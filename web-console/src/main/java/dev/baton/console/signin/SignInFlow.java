package dev.baton.console.signin;

import dev.baton.authz.identity.RegisteredClients;
import dev.baton.console.api.ApiClient;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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

    private final ApiClient api;

    public SignInFlow(ApiClient api) {
        this.api = api;
    }

    /** {@code next} if it is a console page of this server, else null (no open redirects). */
    public static String safeNext(String next) {
        return next != null && next.length() <= 2000 && SAFE_NEXT.matcher(next).matches() && !next.contains("//")
                ? next : null;
    }

    /** A sign-in in progress: its PKCE verifier and the page to return to. */
    private record Pending(String state, String verifier, String next) {}

    @GetMapping("/")
    String root() {
        return "redirect:/console";
    }

    @GetMapping("/console/sign-in")
    String signIn(@RequestParam(required = false) String next, HttpServletRequest request) {
        String state = random();
        String verifier = random();
        String back = safeNext(next);
        request.getSession().setAttribute(PENDING, new Pending(state, verifier, back == null ? "/console" : back));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", RegisteredClients.CONSOLE);
        query.put("redirect_uri", callback());
        query.put("scope", "openid profile");
        query.put("state", state);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        return "redirect:/oauth2/authorize?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    @GetMapping("/console/callback")
    String callback(@RequestParam(required = false) String code, @RequestParam(required = false) String state,
            @RequestParam(required = false) String error, HttpServletRequest request, Model model) {
        HttpSession session = request.getSession(false);
        Pending pending = session == null ? null : (Pending) session.getAttribute(PENDING);
        if (pending == null || state == null || !MessageDigest.isEqual(pending.state().getBytes(StandardCharsets.UTF_8),
                state.getBytes(StandardCharsets.UTF_8))) {
            model.addAttribute("message", "This sign-in was not started here or has expired. Please sign in again.");
            return "console/signed-out";
        }
        session.removeAttribute(PENDING);
        if (error != null || code == null) {
            model.addAttribute("message", "Sign-in did not complete" + (error == null ? "." : ": " + error + "."));
            return "console/signed-out";
        }
        String token = api.exchangeCode(code, pending.verifier(), callback());
        // a new session id once signed in: an id planted before sign-in is worth nothing after it
        request.changeSessionId();
        session.setAttribute(TOKEN, token);
        return "redirect:" + pending.next();
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

    private static String callback() {
        return ServletUriComponentsBuilder.fromCurrentContextPath().path("/console/callback").build().toUriString();
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
