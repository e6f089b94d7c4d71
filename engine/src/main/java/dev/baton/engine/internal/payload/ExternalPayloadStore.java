package dev.baton.engine.internal.payload;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.ExternalPayloads;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * External payloads in PostgreSQL (V23): uploads in {@code payload_uploads} under row-level security, capabilities
 * as the SHA-256 of their token in {@code payload_tokens}. Bounded per upload, per tenant in bytes held and places
 * open, and in time: uploads and capabilities expire and are purged.
 */
public final class ExternalPayloadStore implements ExternalPayloads, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExternalPayloadStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PURGE_BATCH = 1000;

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final JsonCodec json;
    private final Clock clock;
    private final Settings settings;
    private final Thread purger;

    /**
     * Limits and lifetimes.
     *
     * @param maxUploadBytes the most one upload may hold
     * @param maxTenantBytes the most a tenant's unexpired uploads may hold together
     * @param maxOpenPlaces the most unexpired places a tenant may hold
     * @param capabilityLifetime how long a place's URI works
     * @param uploadLifetime how long an upload is kept for the calls that name its path
     */
    public record Settings(long maxUploadBytes, long maxTenantBytes, int maxOpenPlaces, Duration capabilityLifetime,
            Duration uploadLifetime) {}

    public ExternalPayloadStore(TenantTransactions tx, JdbcClient jdbc, JsonCodec json, Clock clock,
            Settings settings) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
        this.purger = Thread.ofPlatform().daemon().name("payload-purger").unstarted(this::purgeLoop);
    }

    /** Starts removing expired uploads and capabilities in the background. */
    public void start() {
        purger.start();
    }

    @Override
    public void close() {
        purger.interrupt();
    }

    private void purgeLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                while (purgeExpired(PURGE_BATCH) >= PURGE_BATCH) {
                    Thread.onSpinWait();
                }
                Thread.sleep(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("purging expired payload uploads failed; trying again in a minute", e);
                try {
                    Thread.sleep(Duration.ofMinutes(1));
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    @Override
    public Place place(TenantId tenant, Operation operation, PayloadType type, String path, long maxBytes,
            String caller) {
        if (operation == null) {
            throw EngineException.invalid("operation", "must be READ or WRITE");
        }
        if (type == null) {
            throw EngineException.invalid("payloadType", "must be WORKFLOW_INPUT, WORKFLOW_OUTPUT, TASK_INPUT or "
                    + "TASK_OUTPUT");
        }
        long limit = Math.min(maxBytes, settings.maxUploadBytes());
        String token = token();
        return tx.write(tenant, () -> {
            String placePath = operation == Operation.WRITE ? newPlace(type, caller) : existing(path);
            jdbc.sql("""
                    INSERT INTO payload_tokens (token_hash, tenant_id, path, operation, max_bytes, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)""")
                    .params(sha256(token), tenant.value(), placePath, operation.name(), (int) Math.min(limit,
                            Integer.MAX_VALUE), Timestamp.from(clock.instant().plus(settings.capabilityLifetime())))
                    .update();
            return new Place(placePath, token, limit);
        });
    }

    private String newPlace(PayloadType type, String caller) {
        long open = jdbc.sql("SELECT count(*) FROM payload_uploads WHERE expires_at > now()").query(Long.class)
                .single();
        if (open >= settings.maxOpenPlaces()) {
            throw EngineException.conflict("the tenant holds " + open + " unexpired payload places, the most it "
                    + "may; they expire " + settings.uploadLifetime().toHours() + " hours after they are made");
        }
        // Conductor's own stores name the place by the payload's kind and a fresh id
        String path = type.name().toLowerCase(Locale.ROOT).replace('_', '/') + "/" + UUID.randomUUID() + ".json";
        jdbc.sql("""
                INSERT INTO payload_uploads (tenant_id, path, payload_type, created_by, expires_at)
                VALUES (current_setting('baton.tenant_id', true), ?, ?, ?, ?)""")
                .params(path, type.name(), caller,
                        Timestamp.from(clock.instant().plus(settings.uploadLifetime())))
                .update();
        return path;
    }

    private String existing(String path) {
        if (path == null || path.isBlank()) {
            throw EngineException.invalid("path", "is required to read a payload");
        }
        return jdbc.sql("SELECT path FROM payload_uploads WHERE path = ? AND data IS NOT NULL AND expires_at > now()")
                .param(path).query(String.class).optional()
                .orElseThrow(() -> EngineException.notFound("no payload is stored at '" + path + "'"));
    }

    @Override
    public Stored store(String token, InputStream body) throws IOException {
        Capability cap = capability(token, Operation.WRITE)
                .orElseThrow(() -> EngineException.notFound("this payload URI is unknown or has expired"));
        byte[] bytes = body.readNBytes((int) Math.min(cap.maxBytes() + 1, Integer.MAX_VALUE));
        if (bytes.length > cap.maxBytes()) {
            return new Stored.TooLarge("maxPayloadBytes", cap.maxBytes());
        }
        parse("body", bytes);
        TenantId tenant = new TenantId(cap.tenant());
        return tx.write(tenant, () -> {
            long held = jdbc.sql("SELECT coalesce(sum(bytes), 0) FROM payload_uploads WHERE expires_at > now()")
                    .query(Long.class).single();
            if (held + bytes.length > settings.maxTenantBytes()) {
                return new Stored.TooLarge("payloadBytesHeld", settings.maxTenantBytes());
            }
            int written = jdbc.sql("""
                    UPDATE payload_uploads SET data = ?, bytes = ?
                     WHERE path = ? AND data IS NULL AND expires_at > now()""")
                    .params(bytes, bytes.length, cap.path()).update();
            if (written == 0) {
                throw EngineException.conflict("a payload was already uploaded to '" + cap.path()
                        + "'; a place is written once");
            }
            return new Stored.Done(cap.path(), bytes.length);
        });
    }

    @Override
    public Optional<byte[]> fetch(String token) {
        return capability(token, Operation.READ).flatMap(cap -> tx.read(new TenantId(cap.tenant()),
                () -> jdbc.sql("SELECT data FROM payload_uploads WHERE path = ? AND data IS NOT NULL "
                        + "AND expires_at > now()").param(cap.path()).query(byte[].class).optional()));
    }

    /**
     * The JSON object uploaded to {@code path} by the current transaction's tenant, for a request that names it in
     * {@code field} instead of carrying the payload.
     */
    public Map<String, Object> uploaded(String field, String path) {
        byte[] data = jdbc.sql("SELECT data FROM payload_uploads WHERE path = ? AND data IS NOT NULL "
                        + "AND expires_at > now()").param(path).query(byte[].class).optional()
                .orElseThrow(() -> EngineException.invalid(field, "nothing was uploaded to '" + path
                        + "' (or it has expired); ask /externalstoragelocation for a place and upload to its uri"));
        return parse(field, data);
    }

    /** Removes expired uploads and capabilities, at most {@code most} of each; returns how many went. */
    public int purgeExpired(int most) {
        return jdbc.sql("SELECT purge_expired_payload_uploads(?)").param(most).query(Integer.class).single();
    }

    private Map<String, Object> parse(String field, byte[] bytes) {
        try {
            return json.readMap(new String(bytes, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw EngineException.invalid(field, "a payload is one JSON object: " + e.getOriginalMessage());
        }
    }

    private record Capability(String tenant, String path, long maxBytes, String operation) {}

    private Optional<Capability> capability(String token, Operation operation) {
        if (token == null || !token.matches("[A-Za-z0-9_-]{43}")) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT * FROM payload_token(?)").param(sha256(token))
                .query((rs, i) -> new Capability(rs.getString("tenant_id"), rs.getString("path"),
                        rs.getLong("max_bytes"), rs.getString("operation")))
                .optional()
                .filter(c -> c.operation().equals(operation.name()));
    }

    private static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
