package dev.baton.connections;

import dev.baton.connections.internal.KeyRing;
import dev.baton.connections.internal.VaultStore;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.SecretValues;
import dev.baton.engine.api.Violation;
import dev.baton.tenancy.ResourceNames;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tenant's secrets and named connections, encrypted at rest. Their values never leave except to the server's own
 * calls out: the API shows names and plain settings only, and a task gets a value only in the attempt that uses it,
 * for a workflow whose team may use it. Permissions to change them are the API layer's.
 */
public final class Vault implements SecretValues {

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
    private static final int MAX_VALUE = 64 * 1024;
    private static final int MAX_DESCRIPTION = 1000;

    private final TenantTransactions tx;
    private final VaultStore store;
    private final KeyRing keys;
    private final UsePolicy policy;
    private final JsonMapper json = JsonMapper.builder().build();

    public Vault(TenantTransactions tx, VaultStore store, KeyRing keys, UsePolicy policy) {
        this.tx = tx;
        this.store = store;
        this.keys = keys;
        this.policy = policy;
    }

    private static String boundTo(TenantId tenant, String kind, String name) {
        return tenant.value() + "/" + kind + "/" + name;
    }

    // ---- secrets ------------------------------------------------------------------------------------------

    /** Creates or replaces the secret {@code name} of {@code ownerTeam}. */
    public void putSecret(TenantId tenant, String name, String value, String description, String ownerTeam,
            String actor) {
        List<Violation> found = new ArrayList<>();
        requireName(name, found);
        if (value == null || value.isEmpty() || value.length() > MAX_VALUE) {
            found.add(new Violation("value", "is required, at most " + MAX_VALUE + " characters"));
        }
        requireDescription(description, found);
        if (!found.isEmpty()) {
            throw EngineException.invalid(found);
        }
        tx.run(tenant, () -> store.upsertSecret(tenant.value(), name, ownerTeam, description, keys.activeKey(),
                keys.encrypt(value, boundTo(tenant, "secret", name)), actor));
    }

    public List<SecretInfo> secrets(TenantId tenant) {
        return tx.read(tenant, () -> store.secrets().stream().map(r -> new SecretInfo(r.name(), r.ownerTeam(),
                r.description(), r.keyId(), r.createdAt(), r.updatedAt())).toList());
    }

    public java.util.Optional<SecretInfo> secret(TenantId tenant, String name) {
        return tx.read(tenant, () -> store.secret(name).map(r -> new SecretInfo(r.name(), r.ownerTeam(),
                r.description(), r.keyId(), r.createdAt(), r.updatedAt())));
    }

    public void deleteSecret(TenantId tenant, String name) {
        tx.run(tenant, () -> {
            if (!store.deleteSecret(name)) {
                throw EngineException.notFound("no secret named '" + name + "'");
            }
        });
    }

    @Override
    public Map<String, String> resolve(TenantId tenant, String team, Set<String> names) {
        return tx.read(tenant, () -> {
            Map<String, String> values = new LinkedHashMap<>();
            for (String name : names) {
                VaultStore.SecretRow row = store.secret(name).orElseThrow(() -> EngineException.invalid(
                        "secrets." + name, "there is no secret named '" + name + "'"));
                policy.refuse(tenant, team, UsePolicy.Kind.SECRET, name, row.ownerTeam()).ifPresent(reason -> {
                    throw EngineException.invalid("secrets." + name, reason);
                });
                values.put(name, keys.decrypt(row.keyId(), row.ciphertext(), boundTo(tenant, "secret", name)));
            }
            return values;
        });
    }

    // ---- connections --------------------------------------------------------------------------------------

    /** Creates or replaces the connection {@code name} of {@code ownerTeam}; its settings are checked by kind. */
    public void putConnection(TenantId tenant, String name, NewConnection c, String ownerTeam, String actor) {
        List<Violation> found = new ArrayList<>();
        requireName(name, found);
        requireDescription(c.description(), found);
        if (c.kind() == null) {
            found.add(new Violation("kind", "is required: one of SMTP, DATABASE, KUBERNETES, HTTP"));
            throw EngineException.invalid(found);
        }
        Map<String, Object> settings = c.settings() == null ? Map.of() : c.settings();
        Map<String, Object> secret = c.secretSettings() == null ? Map.of() : c.secretSettings();
        for (String key : c.kind().required()) {
            if (settings.get(key) == null || String.valueOf(settings.get(key)).isBlank()) {
                found.add(new Violation("settings." + key, "is required for a " + c.kind() + " connection"));
            }
        }
        for (String key : settings.keySet()) {
            if (c.kind().secret().contains(key)) {
                found.add(new Violation("settings." + key, "is secret: give it in secretSettings"));
            } else if (!c.kind().required().contains(key) && !c.kind().optional().contains(key)) {
                found.add(new Violation("settings." + key, "is no setting of a " + c.kind() + " connection"));
            }
        }
        for (String key : secret.keySet()) {
            if (!c.kind().secret().contains(key)) {
                found.add(new Violation("secretSettings." + key, "is no secret setting of a " + c.kind()
                        + " connection (" + c.kind().secret() + ")"));
            }
        }
        String plain = json.writeValueAsString(settings);
        String sealed = json.writeValueAsString(secret);
        if (plain.length() + sealed.length() > MAX_VALUE) {
            found.add(new Violation("settings", "settings and secret settings together must be at most " + MAX_VALUE
                    + " characters of JSON"));
        }
        if (!found.isEmpty()) {
            throw EngineException.invalid(found);
        }
        tx.run(tenant, () -> store.upsertConnection(tenant.value(), name, c.kind(), ownerTeam, c.description(),
                plain, keys.activeKey(), keys.encrypt(sealed, boundTo(tenant, "connection", name)), actor));
    }

    public List<ConnectionInfo> connections(TenantId tenant) {
        return tx.read(tenant, () -> store.connections().stream().map(r -> info(tenant, r)).toList());
    }

    public java.util.Optional<ConnectionInfo> connection(TenantId tenant, String name) {
        return tx.read(tenant, () -> store.connection(name).map(r -> info(tenant, r)));
    }

    private ConnectionInfo info(TenantId tenant, VaultStore.ConnectionRow r) {
        Map<String, Object> secret = json.readValue(keys.decrypt(r.keyId(), r.secretSettings(),
                boundTo(tenant, "connection", r.name())), MAP);
        return new ConnectionInfo(r.name(), r.kind(), r.ownerTeam(), r.description(), json.readValue(r.settings(),
                MAP), new TreeSet<>(secret.keySet()), r.updatedAt());
    }

    public void deleteConnection(TenantId tenant, String name) {
        tx.run(tenant, () -> {
            if (!store.deleteConnection(name)) {
                throw EngineException.notFound("no connection named '" + name + "'");
            }
        });
    }

    /**
     * The connection {@code name} of kind {@code kind} with its secret settings, for a task of a workflow owned by
     * {@code team}; refuses with EngineException naming {@code field} when it does not exist, is of another kind, or
     * the team may not use it.
     */
    public Connection use(TenantId tenant, String team, String name, ConnectionKind kind, String field) {
        return tx.read(tenant, () -> {
            VaultStore.ConnectionRow row = store.connection(name).orElseThrow(() -> EngineException.invalid(field,
                    "there is no connection named '" + name + "'"));
            if (row.kind() != kind) {
                throw EngineException.invalid(field, "connection '" + name + "' is a " + row.kind() + " connection, "
                        + "not " + kind);
            }
            policy.refuse(tenant, team, UsePolicy.Kind.CONNECTION, name, row.ownerTeam()).ifPresent(reason -> {
                throw EngineException.invalid(field, reason);
            });
            Map<String, Object> all = new LinkedHashMap<>(json.readValue(row.settings(), MAP));
            all.putAll(json.readValue(keys.decrypt(row.keyId(), row.secretSettings(), boundTo(tenant, "connection",
                    name)), MAP));
            return new Connection(name, kind, all);
        });
    }

    /** Re-encrypts every secret and connection of the tenant with the active key; returns how many changed. */
    public int reencrypt(TenantId tenant) {
        return tx.write(tenant, () -> {
            int changed = 0;
            for (VaultStore.SecretRow r : store.secrets()) {
                if (!r.keyId().equals(keys.activeKey())) {
                    String bound = boundTo(tenant, "secret", r.name());
                    store.reencryptSecret(r.name(), keys.activeKey(), keys.encrypt(keys.decrypt(r.keyId(),
                            r.ciphertext(), bound), bound));
                    changed++;
                }
            }
            for (VaultStore.ConnectionRow r : store.connections()) {
                if (!r.keyId().equals(keys.activeKey())) {
                    String bound = boundTo(tenant, "connection", r.name());
                    store.reencryptConnection(r.name(), keys.activeKey(), keys.encrypt(keys.decrypt(r.keyId(),
                            r.secretSettings(), bound), bound));
                    changed++;
                }
            }
            return changed;
        });
    }

    private static void requireName(String name, List<Violation> found) {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,100}")) {
            found.add(new Violation("name", "may use only letters, digits, '_' and '-', at most 100 characters"));
        }
    }

    private static void requireDescription(String description, List<Violation> found) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            found.add(new Violation("description", "must be at most " + MAX_DESCRIPTION + " characters"));
        }
    }
}
