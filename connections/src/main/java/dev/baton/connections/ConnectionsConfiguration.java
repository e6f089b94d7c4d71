package dev.baton.connections;

import dev.baton.connections.internal.KeyRing;
import dev.baton.connections.internal.VaultStore;
import dev.baton.tenancy.TenantTransactions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the vault of secrets and connections, and its encryption keys. */
@Configuration(proxyBeanMethods = false)
public class ConnectionsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConnectionsConfiguration.class);

    /**
     * The keys from {@code baton.secrets.keys} ({@code id:base64,...}) with {@code baton.secrets.active-key}; without
     * them, from a key file the first start writes (owner-only), so the embedded default needs no setup.
     */
    @Bean
    KeyRing secretKeys(@Value("${baton.secrets.keys:}") List<String> configured,
            @Value("${baton.secrets.active-key:}") String active,
            @Value("${baton.secrets.key-file:data/secret-keys}") Path keyFile) {
        Map<String, String> keys = parse(configured);
        if (!keys.isEmpty()) {
            return new KeyRing(keys, active.isBlank() ? keys.keySet().iterator().next() : active);
        }
        try {
            if (!Files.exists(keyFile)) {
                Files.createDirectories(keyFile.toAbsolutePath().getParent());
                Files.writeString(keyFile, "k1:" + KeyRing.newKey() + "\n");
                try {
                    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: its own permissions apply
                }
                log.warn("generated the key that encrypts secrets at {}; back it up, or set baton.secrets.keys",
                        keyFile.toAbsolutePath());
            }
            keys = parse(Files.readAllLines(keyFile).stream().filter(l -> !l.isBlank()).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the secret key file " + keyFile, e);
        }
        // the file's last key is the active one: rotating is adding a line
        String last = keys.keySet().stream().reduce((a, b) -> b).orElseThrow();
        return new KeyRing(keys, active.isBlank() ? last : active);
    }

    private static Map<String, String> parse(List<String> entries) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("a secret key must be written id:base64, not '"
                        + (entry.length() > 8 ? entry.substring(0, 8) + "..." : entry) + "'");
            }
            keys.put(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim());
        }
        return keys;
    }

    @Bean
    VaultStore vaultStore(JdbcClient jdbc) {
        return new VaultStore(jdbc);
    }

    @Bean
    Vault vault(TenantTransactions tx, VaultStore store, KeyRing keys, ObjectProvider<UsePolicy> policy) {
        return new Vault(tx, store, keys, policy.getIfAvailable(() -> UsePolicy.OWNER_ONLY));
    }
}
