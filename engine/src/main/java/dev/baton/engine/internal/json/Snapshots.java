package dev.baton.engine.internal.json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Definition snapshots (a workflow's definition, a task's place in it) parsed once per distinct stored text, and
 * written as the text they were read as.
 *
 * <p>Every decision loads its workflow and tasks, every start its definition, and every new task writes its
 * snapshot; parsing and writing the same texts again was most of the engine's own JSON work. A parsed snapshot is
 * shared by every run that reads the same text, so snapshots are never changed once made: the engine builds a
 * changed definition as a new value. Its text is found again by the snapshot's identity, never by equality, so a
 * value made anew is always written afresh.
 *
 * <p>Bounded by the characters kept, not by entries: a tenant may store definitions of megabytes, and entries by
 * count would let a few hundred of them hold the heap. A text longer than a sixteenth of the bound is not kept.
 */
final class Snapshots {

    /** A key equal only to the very same object. */
    private record Same(Object value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Same s && s.value == value;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(value);
        }
    }

    private final long maxChars;
    private final Bounded<String, Object> parsed;
    private final Bounded<Same, String> texts;

    Snapshots(long maxChars) {
        this.maxChars = maxChars;
        this.parsed = new Bounded<>(maxChars);
        this.texts = new Bounded<>(maxChars);
    }

    /** The snapshot parsed from {@code text}, the same object for the same text while it is kept. */
    <T> T read(String text, Class<T> type, Function<String, T> parse) {
        Object known = parsed.get(text);
        if (type.isInstance(known)) {
            return type.cast(known);
        }
        T value = parse.apply(text);
        if (keeps(text)) {
            parsed.put(text, value, text.length());
            texts.put(new Same(value), text, text.length());
        }
        return value;
    }

    /** The text {@code snapshot} was read as or last written as, else written now. */
    String write(Object snapshot, Function<Object, String> write) {
        if (snapshot == null) {
            return write.apply(null);
        }
        Same key = new Same(snapshot);
        String known = texts.get(key);
        if (known != null) {
            return known;
        }
        String text = write.apply(snapshot);
        if (keeps(text)) {
            texts.put(key, text, text.length());
        }
        return text;
    }

    private boolean keeps(String text) {
        return text.length() <= maxChars / 16;
    }

    /** A least-recently-used map bounded by the sum of its entries' weights. */
    private static final class Bounded<K, V> {

        private record Weighed<V>(V value, long weight) {}

        private final long max;
        private long total;
        private final LinkedHashMap<K, Weighed<V>> entries = new LinkedHashMap<>(64, 0.75f, true);

        Bounded(long max) {
            this.max = max;
        }

        synchronized V get(K key) {
            Weighed<V> w = entries.get(key);
            return w == null ? null : w.value();
        }

        synchronized void put(K key, V value, long weight) {
            Weighed<V> old = entries.put(key, new Weighed<>(value, weight));
            total += weight - (old == null ? 0 : old.weight());
            var eldest = entries.entrySet().iterator();
            while (total > max && eldest.hasNext()) {
                Map.Entry<K, Weighed<V>> e = eldest.next();
                total -= e.getValue().weight();
                eldest.remove();
            }
        }
    }
}
