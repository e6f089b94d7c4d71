package dev.baton.console.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownTest {

    @Test
    void documentationIsFormatted() {
        assertThat(Markdown.html("Prices a **parcel**.\n\n```json\n{\"a\": 1}\n```")).isEqualTo(
                "<p>Prices a <strong>parcel</strong>.</p>\n<pre><code class=\"language-json\">{&quot;a&quot;: 1}\n"
                        + "</code></pre>\n");
    }

    @Test
    void rawHtmlInATenantsTextIsEscaped() {
        assertThat(Markdown.html("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>"))
                .doesNotContain("<script", "<img").contains("&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt;");
    }

    @Test
    void unsafeLinksLoseTheirTargetAndLinksLeaveWithoutAReferrer() {
        assertThat(Markdown.html("[x](javascript:alert(1)) [y](https://example.org/docs)")).isEqualTo(
                "<p><a rel=\"nofollow noopener noreferrer\" href=\"\">x</a> "
                        + "<a rel=\"nofollow noopener noreferrer\" href=\"https://example.org/docs\">y</a></p>\n");
    }
}
