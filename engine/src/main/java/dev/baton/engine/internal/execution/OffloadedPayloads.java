package dev.baton.engine.internal.execution;

import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.spi.PayloadObjects;
import dev.baton.tenancy.TenantTransactions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keeps an execution's inputs, outputs and variables whose JSON is over the offload size out of its row (V23):
 * the row holds an empty object and its {@code offloaded} column names the value by its SHA-256, stored once per
 * workflow in {@code execution_payloads}. Reading a row brings the values back, so no caller ever sees the split.
 */
final class OffloadedPayloads {

    private final JdbcClient jdbc;
    private final JsonCodec json;
    private final int offloadBytes;
    private final PayloadObjects objects;

    /** @param objects the object store that keeps the values instead of PostgreSQL, or null */
    OffloadedPayloads(JdbcClient jdbc, JsonCodec json, int offloadBytes, PayloadObjects objects) {
        this.jdbc = jdbc;
        this.json = json;
        this.offloadBytes = offloadBytes;
        this.objects = objects;
    }

    /** Starts the JSON columns of one row of {@code workflowId}. */
    Row row(UUID workflowId) {
        return new Row(workflowId);
    }

    /** The value of a JSON column as stored: read from the row, or from where the row says it was offloaded. */
    Map<String, Object> read(UUID workflowId, String offloaded, String field, String column) {
        if (offloaded != null) {
            Object hash = json.readMap(offloaded).get(field);
            if (hash != null) {
                byte[] data = jdbc.sql("SELECT data, object_key FROM execution_payloads WHERE workflow_id = ? "
                                + "AND hash = ?")
                        .params(workflowId, hash.toString())
                        .query((rs, i) -> rs.getBytes(1) != null ? rs.getBytes(1) : fetch(rs.getString(2)))
                        .optional()
                        .orElseThrow(() -> new IllegalStateException("the " + field + " of a row of workflow "
                                + workflowId + " was offloaded as " + hash + ", which is missing"));
                return json.readMap(new String(data, StandardCharsets.UTF_8));
            }
        }
        return json.readMap(column);
    }

    /** The JSON columns of one row being written; {@link #flush()} stores what was offloaded once the row is. */
    final class Row {

        private final UUID workflowId;
        private final Map<String, String> offloaded = new LinkedHashMap<>();
        private final List<Object[]> pending = new ArrayList<>();

        private Row(UUID workflowId) {
            this.workflowId = workflowId;
        }

        /** The column text for {@code field}: the value's JSON, or an empty object when it is offloaded. */
        String column(String field, Object value) {
            String text = json.write(value);
            // a UTF-8 byte is at most three chars' worth: most values are measured without being encoded
            if (text.length() <= offloadBytes / 3) {
                return text;
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (bytes.length <= offloadBytes) {
                return text;
            }
            String hash = sha256(bytes);
            offloaded.put(field, hash);
            pending.add(new Object[] {workflowId, hash, bytes.length, bytes});
            return "{}";
        }

        /** The {@code offloaded} column: which fields were moved out and under which hash, or null. */
        String offloaded() {
            return offloaded.isEmpty() ? null : json.write(offloaded);
        }

        /**
         * Stores the offloaded values; the row's workflow must exist by now. Returns whether any was new, so that
         * the caller collects what the row no longer names once the row is written.
         */
        boolean flush() {
            int added = 0;
            for (Object[] p : pending) {
                added += objects == null ? store(p) : storeAsObject(p);
            }
            pending.clear();
            return added > 0;
        }

        private int store(Object[] p) {
            // the same content again (an output passed on as the next input, a rewrite) is stored once
            return jdbc.sql("""
                    INSERT INTO execution_payloads (tenant_id, workflow_id, hash, bytes, data)
                    VALUES (current_setting('baton.tenant_id', true), ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""").params(p).update();
        }

        private int storeAsObject(Object[] p) {
            UUID workflow = (UUID) p[0];
            String hash = (String) p[1];
            if (jdbc.sql("SELECT 1 FROM execution_payloads WHERE workflow_id = ? AND hash = ?")
                    .params(workflow, hash).query(Integer.class).optional().isPresent()) {
                return 0;
            }
            // the object first, so that no committed row ever names a missing one; a rollback takes it away again
            String key = workflow + "/" + hash;
            objects.put(key, (byte[]) p[3]);
            TenantTransactions.afterCompletion(committed -> {
                if (!committed) {
                    objects.delete(List.of(key));
                }
            });
            return jdbc.sql("""
                    INSERT INTO execution_payloads (tenant_id, workflow_id, hash, bytes, object_key)
                    VALUES (current_setting('baton.tenant_id', true), ?, ?, ?, ?)""")
                    .params(workflow, hash, p[2], key).update();
        }
    }

    /**
     * Removes the stored values of {@code workflowId} that none of its rows names any more, after a write brought a
     * new one: a worker reporting ever new large outputs of a running task leaves one value behind, not all. Every
     * write stores its own values again before it names them, so this never removes one a later write still needs.
     */
    void collect(UUID workflowId) {
        deleteObjectsAfterCommit(jdbc.sql("""
                DELETE FROM execution_payloads p
                 WHERE p.workflow_id = ?
                   AND NOT EXISTS (SELECT 1 FROM workflows w WHERE w.id = p.workflow_id AND w.offloaded IS NOT NULL
                          AND p.hash IN (w.offloaded ->> 'input', w.offloaded ->> 'output',
                                         w.offloaded ->> 'variables'))
                   AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.workflow_id = p.workflow_id AND t.offloaded IS NOT NULL
                          AND p.hash IN (t.offloaded ->> 'input', t.offloaded ->> 'output'))
                RETURNING p.object_key""")
                .param(workflowId).query(String.class).list());
    }

    /** Before a workflow's rows go: its values in the object store go once the removal commits. */
    void forget(UUID workflowId) {
        if (objects != null) {
            deleteObjectsAfterCommit(jdbc.sql("SELECT object_key FROM execution_payloads WHERE workflow_id = ?")
                    .param(workflowId).query(String.class).list());
        }
    }

    private void deleteObjectsAfterCommit(List<String> keys) {
        List<String> held = keys.stream().filter(java.util.Objects::nonNull).toList();
        if (!held.isEmpty() && objects != null) {
            TenantTransactions.afterCompletion(committed -> {
                if (committed) {
                    objects.delete(held);
                }
            });
        }
    }

    private byte[] fetch(String key) {
        if (objects == null) {
            throw new IllegalStateException("a value is kept in an object store (" + key + "), and this node has "
                    + "none configured (baton.payloads.s3.bucket)");
        }
        return objects.get(key);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
