package dev.baton.authz.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * Finds the token in {@code Authorization: Bearer ...} or, as Orkes Conductor clients send it, in a bare
 * {@code X-Authorization} header.
 *
 * <p>The {@code Authorization} header is checked as Spring Security's {@code DefaultBearerTokenResolver} checks it
 * (RFC 6750's {@code Bearer b64token}, else "Bearer token is malformed"), by a scan rather than its regular
 * expression: a worker sends a token of a thousand characters with every poll and update, and matching it was 2% of
 * a call's CPU. Tokens in the query or a form body are not accepted, as with that resolver's defaults.
 */
public final class HeaderBearerTokenResolver implements BearerTokenResolver {

    private static final String BEARER = "Bearer ";

    @Override
    public String resolve(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "bearer", 0, 6)) {
            return b64token(authorization);
        }
        String header = request.getHeader("X-Authorization");
        if (header == null || header.isBlank()) {
            return null;
        }
        header = header.strip();
        return header.regionMatches(true, 0, BEARER, 0, 7) ? header.substring(7).strip() : header;
    }

    /** The token of {@code Bearer <b64token>}: letters, digits and {@code -._~+/}, then any {@code =}. */
    private static String b64token(String authorization) {
        int end = authorization.length();
        int i = BEARER.length();
        boolean wellFormed = end > i && authorization.regionMatches(true, 0, BEARER, 0, i);
        int start = i;
        while (wellFormed && i < end && tokenChar(authorization.charAt(i))) {
            i++;
        }
        wellFormed &= i > start;
        while (wellFormed && i < end && authorization.charAt(i) == '=') {
            i++;
        }
        if (!wellFormed || i != end) {
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
        }
        return authorization.substring(start);
    }

    private static boolean tokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~' || c == '+' || c == '/';
    }
}
