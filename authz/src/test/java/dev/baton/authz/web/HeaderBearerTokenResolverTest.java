package dev.baton.authz.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

class HeaderBearerTokenResolverTest {

    private final HeaderBearerTokenResolver resolver = new HeaderBearerTokenResolver();
    private final DefaultBearerTokenResolver standard = new DefaultBearerTokenResolver();

    private static MockHttpServletRequest withHeader(String name, String value) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/tasks/poll/x");
        request.addHeader(name, value);
        return request;
    }

    @Test
    void theAuthorizationHeaderIsReadExactlyAsSpringSecuritysOwnResolverReadsIt() {
        List<String> values = List.of("Bearer abc.DEF-ghi_jkl~m+n/o", "bearer abc", "BEARER abc==", "Bearer a=",
                "Bearer =", "Bearer ", "Bearer", "Bearer  abc", "Bearer abc ", "Bearer a b", "Bearer abc=d",
                "Bearerabc", "Bearer ab%c", "Bearer é", "Basic dXNlcjpwYXNz", "Token abc", "");
        for (String value : values) {
            String expected;
            try {
                expected = standard.resolve(withHeader("Authorization", value));
            } catch (OAuth2AuthenticationException e) {
                assertThatThrownBy(() -> resolver.resolve(withHeader("Authorization", value))).as(value)
                        .isInstanceOf(OAuth2AuthenticationException.class)
                        .hasMessage("Bearer token is malformed");
                continue;
            }
            assertThat(resolver.resolve(withHeader("Authorization", value))).as(value).isEqualTo(expected);
        }
    }

    @Test
    void aBareXAuthorizationHeaderCarriesTheTokenAsOrkesClientsSendIt() {
        assertThat(resolver.resolve(withHeader("X-Authorization", " abc.def "))).isEqualTo("abc.def");
        assertThat(resolver.resolve(withHeader("X-Authorization", "Bearer abc.def"))).isEqualTo("abc.def");
        assertThat(resolver.resolve(withHeader("X-Authorization", " "))).isNull();
        assertThat(resolver.resolve(new MockHttpServletRequest("GET", "/api/metadata/workflow"))).isNull();
    }
}
