package dev.baton.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CappedTagsTest {

    @Test
    void aHostileTenantInventingValuesGetsNoMoreThanTheCap() {
        CappedTags tags = new CappedTags(10);
        Set<String> seen = new HashSet<>();
        IntStream.range(0, 10_000).parallel().mapToObj(i -> tags.of("type-" + i)).forEach(v -> {
            synchronized (seen) {
                seen.add(v);
            }
        });
        assertThat(seen).hasSize(11).contains(CappedTags.OTHER);
    }

    @Test
    void valuesKeepTheirTagOnceGiven() {
        CappedTags tags = new CappedTags(1);
        assertThat(tags.of("a")).isEqualTo("a");
        assertThat(tags.of("b")).isEqualTo("other");
        assertThat(tags.of("a")).isEqualTo("a");
        assertThat(tags.of("")).isEqualTo("other");
        assertThat(tags.of(null)).isEqualTo("other");
    }

    @Test
    void aCapBelowOneIsRefused() {
        assertThatThrownBy(() -> new CappedTags(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
