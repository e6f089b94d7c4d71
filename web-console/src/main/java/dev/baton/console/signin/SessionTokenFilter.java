package dev.baton.console.signin;

import com.nimbusds.jwt.JWTParser;
import dev.baton.authz.token.IssuerAuthentication;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.text.ParseException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Signs each console request in with the access token its session holds, validated exactly as an API call's would
 * be: an expired token, a revoked person or a suspended tenant ends the console session at once.
 */
public final class SessionTokenFilter extends OncePerRequestFilter {

    private final IssuerAuthentication issuers;

    public SessionTokenFilter(IssuerAuthentication issuers) {
        this.issuers = issuers;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        String token = session == null ? null : (String) session.getAttribute(SignInFlow.TOKEN);
        if (token != null) {
            try {
                AuthenticationManager manager = issuers.resolve(JWTParser.parse(token).getJWTClaimsSet().getIssuer());
                if (manager == null) {
                    session.removeAttribute(SignInFlow.TOKEN);
                } else {
                    Authentication caller = manager.authenticate(new BearerTokenAuthenticationToken(token));
                    SecurityContextHolder.getContext().setAuthentication(caller);
                }
            } catch (AuthenticationException | ParseException e) {
                session.removeAttribute(SignInFlow.TOKEN);
            }
        }
        // the chain's own SecurityContextHolderFilter clears the context when the request ends
        chain.doFilter(request, response);
    }
}
