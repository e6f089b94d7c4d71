package dev.baton.engine.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapshotsTest {

    private final JsonCodec json = new JsonCodec();
    private final AtomicInteger parses = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();

    private Map<?, ?> read(Snapshots snapshots, String text) {
        return snapshots.read(text, Map.class, t -> {
            parses.incrementAndGet();
            return json.read(t, Map.class);
        });
    }

    private String write(Snapshots snapshots, Object value) {
        return snapshots.write(value, v -> {
            writes.incrementAndGet();
            return json.write(v);
        });
    }

    @Test
    void theSameTextGivesTheSameSnapshotParsedOnceAndItIsWrittenAsThatText() {
        Snapshots snapshots = new Snapshots(1 << 20);
        String stored = "{\"name\": \"a\", \"tasks\": [1, 2]}";
        Map<?, ?> first = read(snapshots, stored);
        assertThat(read(snapshots, stored)).isSameAs(first);
        assertThat(parses).hasValue(1);
        assertThat(write(snapshots, first)).isSameAs(stored);
        assertThat(writes).hasValue(0);
    }

    @Test
    void anEqualValueMadeAnewIsWrittenAfreshNotTakenForTheOneRead() {
        Snapshots snapshots = new Snapshots(1 << 20);
        read(snapshots, "{\"name\": \"a\"}");
        Map<String, Object> made = new java.util.LinkedHashMap<>(Map.of("name", "a"));
        assertThat(write(snapshots, made)).isEqualTo("{\"name\":\"a\"}");
        assertThat(write(snapshots, made)).isEqualTo("{\"name\":\"a\"}");
        assertThat(writes).hasValue(1);
        assertThat(write(snapshots, null)).isEqualTo("null");
    }

    @Test
    void itKeepsNoMoreCharactersThanItsBoundAndNoTextOverASixteenthOfIt() {
        Snapshots snapshots = new Snapshots(1600);
        String large = "{\"v\":\"" + "x".repeat(100) + "\"}";
        read(snapshots, large);
        read(snapshots, large);
        assertThat(parses).as("over 100 characters: not kept").hasValue(2);

        List<String> texts = java.util.stream.IntStream.range(0, 40)
                .mapToObj(i -> "{\"v\":\"" + "%02d".formatted(i) + "x".repeat(80) + "\"}").toList();
        texts.forEach(t -> read(snapshots, t));
        parses.set(0);
        // 40 texts of 90 characters against a bound of 1600: the newest 17 are kept, the older ones parsed again
        texts.subList(23, 40).forEach(t -> read(snapshots, t));
        assertThat(parses).hasValue(0);
        read(snapshots, texts.get(22));
        assertThat(parses).hasValue(1);
    }
}
