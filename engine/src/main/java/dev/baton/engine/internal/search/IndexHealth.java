package dev.baton.engine.internal.search;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether searches should ask the index: after a failure they go to PostgreSQL for {@code pause} before the index
 * is tried again, so an index that is down costs one failed call per pause, not one per search.
 */
final class IndexHealth {

    private static final Logger LOG = LoggerFactory.getLogger(IndexHealth.class);

    private final long pauseNanos;
    private volatile long downUntil;
    private volatile boolean down;

    IndexHealth(java.time.Duration pause) {
        this.pauseNanos = pause.toNanos();
    }

    boolean up() {
        return !down || System.nanoTime() - downUntil >= 0;
    }

    void failed(RuntimeException e) {
        if (!down || up()) {
            LOG.warn("the execution index did not answer a search; searching PostgreSQL for {} ms: {}",
                    pauseNanos / 1_000_000, e.toString());
        }
        downUntil = System.nanoTime() + pauseNanos;
        down = true;
    }

    void answered() {
        down = false;
    }
}
