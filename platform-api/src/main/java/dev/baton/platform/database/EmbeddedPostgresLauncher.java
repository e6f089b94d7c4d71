package dev.baton.platform.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the embedded PostgreSQL on a data directory that survives restarts.
 *
 * <p>PostgreSQL refuses to run as root; as root, the binaries run through {@code unshare -U} as an unprivileged
 * user (zonky does this when unshare works). A server left behind by a killed JVM is stopped before a new start;
 * a data directory held by another live process is refused instead of being opened twice.
 */
public final class EmbeddedPostgresLauncher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresLauncher.class);
    private static final String LOCK_FILE = "epg-lock";

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresLauncher(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedPostgresLauncher start(Path dataDirectory, int port) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            stopOrphanedServer(dir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky's test-oriented default turns synchronous commit off; a platform must not lose
                    // acknowledged commits on power loss
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "200");
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres pg = builder.start();
            log.info("embedded PostgreSQL is running on 127.0.0.1:{} with data in {}", pg.getPort(), dir);
            return new EmbeddedPostgresLauncher(pg);
        } catch (IOException | IllegalStateException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL in " + dir + ": " + e.getMessage()
                    + hint(e), e);
        }
    }

    private static String hint(Exception e) {
        String text = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : e.getCause().getMessage());
        if (text.contains("could not lock")) {
            return " (another running platform uses this data directory; stop it or set baton.database.embedded.data-directory)";
        }
        if (text.contains("root")) {
            return " (PostgreSQL refuses to run as root and 'unshare -U' is not available here: run as a normal user "
                    + "or set baton.database.url to an external PostgreSQL)";
        }
        return "";
    }

    /** Stops a postmaster whose JVM died without stopping it, if no live process holds the directory. */
    private static void stopOrphanedServer(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<Long> pid = readPid(pidFile);
        Optional<ProcessHandle> server = pid.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (server.isEmpty()) {
            return;
        }
        try (FileChannel channel = new RandomAccessFile(dir.resolve(LOCK_FILE).toFile(), "rw").getChannel();
                FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("could not lock " + dir.resolve(LOCK_FILE));
            }
            log.warn("stopping PostgreSQL (pid {}) left running by a platform that did not shut down", pid.get());
            server.get().destroy();
            try {
                server.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception timeout) {
                server.get().destroyForcibly();
            }
        }
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
