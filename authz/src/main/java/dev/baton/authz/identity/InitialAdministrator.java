package dev.baton.authz.identity;

import dev.baton.authz.api.Role;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DuplicateKeyException;

/**
 * On the first start of an installation nobody can sign in, so it creates an administrator of the first tenant with
 * a random password and an administrator key, writes them to a file only the server's user can read, and says
 * where. There is no fixed default password.
 */
public final class InitialAdministrator implements ApplicationRunner {

    /** The login of the first administrator. */
    public static final String LOGIN = "admin";

    private static final Logger log = LoggerFactory.getLogger(InitialAdministrator.class);

    private final Identities identities;
    private final TenantTransactions tx;
    private final Path file;

    public InitialAdministrator(Identities identities, TenantTransactions tx, Path file) {
        this.identities = identities;
        this.tx = tx;
        this.file = file;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (identities.installationHasUsers()) {
            return;
        }
        TenantId tenant = TenantId.DEFAULT;
        String password = Secrets.random(18);
        try {
            tx.run(tenant, () -> {
                identities.createTeam(tenant, "admins", "Administrators of the first tenant");
                UUID user = identities.createUser(tenant, LOGIN, "Administrator", password, true);
                identities.addMember(tenant, "admins", user, EnumSet.allOf(Role.class));
                UUID app = identities.createApplication(tenant, "admin-key", "admins", EnumSet.allOf(Role.class),
                        true);
                identities.makePlatformOperators(tenant, user, app);
                // written before the commit: if the file cannot be written nobody could sign in, so nothing is kept
                write(password, identities.createKey(tenant, app));
            });
        } catch (DuplicateKeyException anotherNodeWasFirst) {
            log.info("another node created the first administrator");
            return;
        }
        log.warn("""
                First start of an empty installation: created the administrator '{}' of tenant '{}' and an \
                administrator application key, both also platform operators (they manage tenants). The password and the key are in {} (readable only by this user). \
                Sign in, create your own users and keys, then delete that file.""",
                LOGIN, tenant.value(), file.toAbsolutePath());
    }

    private void write(String password, Identities.NewKey key) {
        String text = """
                # Written once by the first start of this installation. Delete it after you have signed in.
                BATON_ADMIN_LOGIN=%s
                BATON_ADMIN_PASSWORD=%s
                BATON_KEY_ID=%s
                BATON_KEY_SECRET=%s
                """.formatted(LOGIN, password, key.id(), key.secret());
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".initial-credentials", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, text);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the first administrator's credentials to " + file, e);
        }
    }
}
