package dev.baton.engine.internal.queue;

import dev.baton.engine.api.NodeMessages;
import dev.baton.engine.spi.PeerChannel;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes pollers across server nodes over a {@link PeerChannel}. A node whose poller waits on an empty queue says so
 * (at most every 2 s per queue); a node that queues tasks its own pollers do not take tells the nodes that said they
 * wait there. A node that waits on nothing and queues only for itself sends nothing per task.
 *
 * <p>Messages go on a thread of their own, after the queuing transaction committed. A lost message costs latency
 * only: the poll still returns at its timeout, and the next poll reads the database.
 */
public final class NodePeers implements QueueSignals.Peers, NodeMessages, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodePeers.class);
    private static final long ANNOUNCE_EVERY_NANOS = Duration.ofSeconds(2).toNanos();
    private static final long INTEREST_NANOS = Duration.ofSeconds(30).toNanos();
    private static final int MOST_KEYS = 100_000;
    private static final char SEP = '\u0001';

    private final PeerChannel channel;
    private final QueueSignals signals;
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Long> announced = new ConcurrentHashMap<>();
    private final Map<String, Long> waitingElsewhere = new ConcurrentHashMap<>();
    private final Map<String, Consumer<String>> handlers = new ConcurrentHashMap<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("peer-notifier").factory());

    public NodePeers(PeerChannel channel, QueueSignals signals) {
        this.channel = channel;
        this.signals = signals;
    }

    /** Starts hearing the other nodes and connects this node's pollers to them. */
    public void start() {
        channel.subscribe(this::receive);
        signals.connect(this);
    }

    @Override
    public void queued(String tenant, String queue, int count) {
        String key = tenant + SEP + queue;
        Long until = waitingElsewhere.get(key);
        if (until != null && System.nanoTime() - until < 0) {
            send("Q" + SEP + node + SEP + count + SEP + key);
        }
    }

    @Override
    public void waiting(String tenant, String queue) {
        String key = tenant + SEP + queue;
        long now = System.nanoTime();
        Long last = announced.get(key);
        if (last != null && now - last < ANNOUNCE_EVERY_NANOS) {
            return;
        }
        bounded(announced).put(key, now);
        send("W" + SEP + node + SEP + "0" + SEP + key);
    }

    @Override
    public void tell(String kind, String subject) {
        if (kind.length() != 1 || kind.equals("W") || kind.equals("Q")) {
            throw new IllegalArgumentException("a message kind is one letter other than W and Q, not " + kind);
        }
        send(kind + SEP + node + SEP + "0" + SEP + subject + SEP);
    }

    @Override
    public void on(String kind, Consumer<String> handler) {
        handlers.put(kind, handler);
    }

    private void send(String message) {
        try {
            sender.execute(() -> {
                try {
                    channel.publish(message);
                } catch (RuntimeException e) {
                    log.debug("could not tell the other nodes", e);
                }
            });
        } catch (RejectedExecutionException closing) {
            // shutting down
        }
    }

    /** {@code kind, node, count, tenant, queue}, separated by U+0001; this node's own are ignored. */
    void receive(String message) {
        String[] f = message.split(String.valueOf(SEP), 5);
        if (f.length != 5 || f[1].equals(node)) {
            return;
        }
        String key = f[3] + SEP + f[4];
        if (f[0].equals("W")) {
            bounded(waitingElsewhere).put(key, System.nanoTime() + INTEREST_NANOS);
        } else if (f[0].equals("Q")) {
            try {
                signals.signalFromPeer(f[3], f[4], Math.max(1, Integer.parseInt(f[2])));
            } catch (NumberFormatException e) {
                log.debug("a malformed message from a peer: {}", message);
            }
        } else {
            Consumer<String> handler = handlers.get(f[0]);
            if (handler != null) {
                handler.accept(f[3]);
            }
        }
    }

    private static Map<String, Long> bounded(Map<String, Long> map) {
        if (map.size() >= MOST_KEYS) {
            map.clear();
        }
        return map;
    }

    @Override
    public void close() {
        sender.shutdownNow();
        channel.close();
    }
}
