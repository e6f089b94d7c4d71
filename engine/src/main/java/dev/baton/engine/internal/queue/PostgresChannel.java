package dev.baton.engine.internal.queue;

import dev.baton.engine.spi.PeerChannel;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The peers' channel through PostgreSQL: {@code NOTIFY} to publish, one pooled connection kept to {@code LISTEN}. */
public final class PostgresChannel implements PeerChannel {

    private static final Logger log = LoggerFactory.getLogger(PostgresChannel.class);
    static final String CHANNEL = "baton_queues";
    /** NOTIFY's payload limit is 8000 bytes. */
    private static final int MOST_CHARS = 2_600;

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private volatile boolean closed;
    private Thread listener;

    public PostgresChannel(DataSource dataSource, JdbcClient jdbc) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
    }

    @Override
    public synchronized void subscribe(Consumer<String> receiver) {
        listener = Thread.ofPlatform().daemon().name("peer-listener").start(() -> listen(receiver));
    }

    @Override
    public void publish(String message) {
        if (message.length() <= MOST_CHARS) {
            jdbc.sql("SELECT pg_notify(?, ?)").params(CHANNEL, message).query((rs, i) -> 0).list();
        }
    }

    private void listen(Consumer<String> receiver) {
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
                            receiver.accept(n.getParameter());
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

    @Override
    public synchronized void close() {
        closed = true;
        if (listener != null) {
            listener.interrupt();
        }
    }
}
