package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.connections.ConnectionInfo;
import dev.baton.connections.NewConnection;
import dev.baton.connections.SecretInfo;
import dev.baton.connections.Vault;
import dev.baton.engine.api.EngineException;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Secrets ({@code /api/secrets}) and connections ({@code /api/connections}) of the caller's tenant. Values and
 * secret settings go in and never come out: the answers carry names, owners and plain settings only. A team owns
 * what it creates and grants its use (EXECUTE) to other teams through {@code /api/grants}.
 */
@RestController
public class VaultResource {

    /** What a secret is written with. */
    public record SecretValue(String value, String description) {}

    private final Vault vault;
    private final CurrentTenant tenant;
    private final Guard guard;
    private final TenantTransactions tx;

    public VaultResource(Vault vault, CurrentTenant tenant, Guard guard, TenantTransactions tx) {
        this.vault = vault;
        this.tenant = tenant;
        this.guard = guard;
        this.tx = tx;
    }

    /**
     * Conductor's listing of secret names (values are never answered); with {@code detail=true}, each secret's
     * description, owning team and times, as the console shows them.
     */
    @GetMapping("/api/secrets")
    List<?> secrets(@RequestParam(defaultValue = "false") boolean detail) {
        List<SecretInfo> secrets = vault.secrets(tenant.get());
        return detail ? secrets : secrets.stream().map(SecretInfo::name).sorted().toList();
    }

    @PutMapping("/api/secrets/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void putSecret(@PathVariable String name, @RequestBody SecretValue body,
            @RequestParam(required = false) String team) {
        if (body == null) {
            throw EngineException.invalid("value", "is required");
        }
        TenantId t = tenant.get();
        write(ResourceType.SECRET, name, vault.secret(t, name).map(SecretInfo::ownerTeam), team,
                owner -> vault.putSecret(t, name, body.value(), body.description(), owner, tenant.caller().subject()));
    }

    @DeleteMapping("/api/secrets/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteSecret(@PathVariable String name) {
        vault.secret(tenant.get(), name).orElseThrow(() -> EngineException.notFound("no secret named '" + name
                + "'"));
        guard.require(Permission.CHANGE_DEFINITION, ResourceType.SECRET, name);
        tx.run(tenant.get(), () -> {
            vault.deleteSecret(tenant.get(), name);
            guard.release(ResourceType.SECRET, name);
        });
    }

    /** After a new key becomes active: re-encrypts the tenant's secrets and connections with it. */
    @PostMapping("/api/secrets/re-encrypt")
    Map<String, Integer> reencrypt() {
        if (!tenant.caller().tenantAdmin()) {
            throw new AccessDeniedException("missing permission: re-encrypt secrets (tenant administrators only)");
        }
        return Map.of("reencrypted", vault.reencrypt(tenant.get()));
    }

    @GetMapping("/api/connections")
    List<ConnectionInfo> connections() {
        return vault.connections(tenant.get());
    }

    @GetMapping("/api/connections/{name}")
    ConnectionInfo connection(@PathVariable String name) {
        ConnectionInfo c = vault.connection(tenant.get(), name)
                .orElseThrow(() -> EngineException.notFound("no connection named '" + name + "'"));
        guard.require(Permission.READ_DEFINITION, ResourceType.CONNECTION, name);
        return c;
    }

    @PutMapping("/api/connections/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void putConnection(@PathVariable String name, @RequestBody NewConnection body,
            @RequestParam(required = false) String team) {
        if (body == null) {
            throw EngineException.invalid("kind", "is required");
        }
        TenantId t = tenant.get();
        write(ResourceType.CONNECTION, name, vault.connection(t, name).map(ConnectionInfo::ownerTeam), team,
                owner -> vault.putConnection(t, name, body, owner, tenant.caller().subject()));
    }

    @DeleteMapping("/api/connections/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteConnection(@PathVariable String name) {
        vault.connection(tenant.get(), name).orElseThrow(() -> EngineException.notFound("no connection named '"
                + name + "'"));
        guard.require(Permission.CHANGE_DEFINITION, ResourceType.CONNECTION, name);
        tx.run(tenant.get(), () -> {
            vault.deleteConnection(tenant.get(), name);
            guard.release(ResourceType.CONNECTION, name);
        });
    }

    /**
     * Writes a secret or connection: its owners' authors change an existing one; a new name is claimed for the team
     * named (or the caller's only authoring team), in the same transaction as the write.
     */
    private void write(ResourceType type, String name, Optional<String> existingOwner, String team,
            Consumer<String> put) {
        Optional<String> claim = guard.beforeWriting(type, name, existingOwner.isPresent(), team);
        String owner = claim.orElseGet(existingOwner::orElseThrow);
        tx.run(tenant.get(), () -> {
            put.accept(owner);
            claim.ifPresent(o -> guard.claim(type, name, o));
        });
    }
}
