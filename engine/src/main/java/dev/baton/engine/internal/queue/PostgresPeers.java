package dev.baton.engine.internal.queue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Wakes pollers across server nodes through PostgreSQL's {@code LISTEN/NOTIFY}, when no Redis links them. A node whose
 * poller waits on an empty queue says so (at most every few seconds per queue); a node that queues tasks its own
 * pollers do not take tells the nodes that said they wait there. A node that waits on nothing and queues only for
 * itself sends nothing.
 *
 * <p>Notifications go on a thread of their own, after the queuing transaction committed; each node keeps one
 * connection listening. A lost notification costs latency only: the poll still returns at its timeout, and the
 * next poll reads the database.
 */
public final class PostgresPeers implements QueueSignals.Peers, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresPeers.class);
    static final String CHANNEL = "baton_queues";
    private static final long ANNOUNCE_EVERY_NANOS = Duration.ofSeconds(2).toNanos();
    private static final long INTEREST_NANOS = Duration.ofSeconds(30).toNanos();
    private static final int MOST_KEYS = 100_000;
    private static final char SEP = '\u0001';

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final QueueSignals signals;
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Long> announced = new ConcurrentHashMap<>();
    private final Map<String, Long> waitingElsewhere = new ConcurrentHashMap<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("peer-notifier").factory());
    private final Thread listener;
    private volatile boolean closed;

    public PostgresPeers(DataSource dataSource, JdbcClient jdbc, QueueSignals signals) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.signals = signals;
        this.listener = Thread.ofPlatform().daemon().name("peer-listener").unstarted(this::listen);
    }

    /** Starts listening to the other nodes and connects this node's pollers to them. */
    public void start() {
        listener.start();
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

    private void send(String payload) {
        if (payload.length() > 7_900) {
            return; // over NOTIFY's limit; such a queue's pollers see its tasks at their next poll
        }
        try {
            sender.execute(() -> {
                try {
                    jdbc.sql("SELECT pg_notify(?, ?)").params(CHANNEL, payload).query((rs, i) -> 0).list();
                } catch (RuntimeException e) {
                    log.debug("could not notify the other nodes", e);
                }
            });
        } catch (RejectedExecutionException closing) {
            // shutting down
        }
    }

    private void listen() {
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] received = pg.getNotifications(1000);
                    if (received != null) {
                        for (PGNotification n : received) {
                            receive(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    log.warn("listening to the other nodes failed; trying again in a second", e);
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }
    }

    /** {@code kind, node, count, tenant, queue}, separated by U+0001. */
    void receive(String payload) {
        String[] f = payload.split(String.valueOf(SEP), 5);
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
                log.debug("a malformed notification: {}", payload);
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
        closed = true;
        listener.interrupt();
        sender.shutdownNow();
    }
}
