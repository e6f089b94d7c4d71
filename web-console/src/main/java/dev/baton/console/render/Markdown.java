package dev.baton.console.render;

import java.util.Map;
import org.commonmark.node.Link;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * A tenant's markdown (catalog documentation) as HTML that is safe to put in a page: raw HTML in it is escaped,
 * links other than http(s), mailto and relative ones lose their target, and links leave without a referrer.
 */
public final class Markdown {

    /** The longest text rendered; longer documentation is cut, never parsed whole. */
    static final int MOST_CHARACTERS = 100_000;

    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true)
            .attributeProviderFactory(context -> (node, tag, attributes) -> {
                if (node instanceof Link) {
                    attributes.putAll(Map.of("rel", "nofollow noopener noreferrer"));
                }
            })
            .build();

    private Markdown() {
    }

    public static String html(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return "";
        }
        String text = markdown.length() > MOST_CHARACTERS ? markdown.substring(0, MOST_CHARACTERS) : markdown;
        return RENDERER.render(PARSER.parse(text));
    }
}
