package dev.baton.authz.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Finds the token in {@code Authorization: Bearer ...} or, as Orkes Conductor clients send it, in a bare
 * {@code X-Authorization} header.
 */
public final class HeaderBearerTokenResolver implements BearerTokenResolver {

    private final DefaultBearerTokenResolver standard = new DefaultBearerTokenResolver();

    @Override
    public String resolve(HttpServletRequest request) {
        String token = standard.resolve(request);
        if (token != null) {
            return token;
        }
        String header = request.getHeader("X-Authorization");
        if (header == null || header.isBlank()) {
            return null;
        }
        header = header.strip();
        return header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : header;
    }
}
