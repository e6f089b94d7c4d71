package dev.baton.engine.internal.nodes;

import dev.baton.engine.spi.LeaderElection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaders through PostgreSQL session advisory locks on one connection this node keeps: a role's lock is held while
 * the connection lives, so a node that dies (or loses its database) lets another take the role at its next try,
 * every second. For a moment around such a change two nodes may both believe they lead; the jobs they lead are safe
 * to run twice (their rows are taken with SKIP LOCKED), so that costs work, not correctness.
 */
public final class PostgresLeaderElection implements LeaderElection {

    private static final Logger log = LoggerFactory.getLogger(PostgresLeaderElection.class);
    private static final Duration TRY_EVERY = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final String scope;
    private final Map<String, Boolean> roles = new ConcurrentHashMap<>();
    private final Thread keeper;
    private Connection held;
    private volatile boolean closed;

    /** @param scope names the nodes that elect together: those of one installation share it */
    public PostgresLeaderElection(DataSource dataSource, String scope) {
        this.dataSource = dataSource;
        this.scope = scope;
        this.keeper = Thread.ofPlatform().daemon().name("leader-election").start(this::keep);
    }

    @Override
    public boolean holds(String role) {
        Boolean leading = roles.get(role);
        if (leading == null) {
            roles.put(role, false);
            tryRoles(); // a new role is tried at once, so a single node leads from its first sweep
            leading = roles.get(role);
        }
        return leading;
    }

    @Override
    public java.util.List<String> held() {
        return roles.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).sorted().toList();
    }

    private void keep() {
        while (!closed) {
            tryRoles();
            try {
                Thread.sleep(TRY_EVERY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void tryRoles() {
        if (closed || roles.isEmpty()) {
            return;
        }
        try {
            if (held == null || !alive(held)) {
                lose();
                held = dataSource.getConnection();
                held.setAutoCommit(true);
            }
            for (Map.Entry<String, Boolean> role : roles.entrySet()) {
                if (!role.getValue()) {
                    try (PreparedStatement s = held.prepareStatement(
                            "SELECT pg_try_advisory_lock(hashtext('baton.leader.' || ? || '.' || ?))")) {
                        s.setString(1, scope);
                        s.setString(2, role.getKey());
                        try (ResultSet rs = s.executeQuery()) {
                            rs.next();
                            if (rs.getBoolean(1)) {
                                role.setValue(true);
                                log.info("this node leads {}", role.getKey());
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            log.warn("leader election could not reach PostgreSQL; leading nothing until it can: {}", e.toString());
            lose();
        }
    }

    private static boolean alive(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Leads nothing: the locks went (or go) with the connection. */
    private void lose() {
        roles.replaceAll((role, leading) -> false);
        if (held != null) {
            // the connection goes back to the pool: it must not take this node's locks with it
            try (Statement s = held.createStatement()) {
                s.execute("SELECT pg_advisory_unlock_all()");
            } catch (SQLException gone) {
                // a dead connection holds nothing any more
            }
            try {
                held.close();
            } catch (SQLException ignored) {
                // the connection is gone either way
            }
            held = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        keeper.interrupt();
        lose();
    }
}
