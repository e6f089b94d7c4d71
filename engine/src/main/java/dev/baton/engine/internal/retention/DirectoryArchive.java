package dev.baton.engine.internal.retention;

import dev.baton.engine.spi.ExecutionArchive;
import dev.baton.tenancy.TenantId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The archive in a directory (a volume every node mounts, or one node's disk), under {@code <tenant>/}; each file is
 * written whole under a temporary name and then moved into place, so a reader never sees half of one.
 */
public final class DirectoryArchive implements ExecutionArchive {

    private final Path root;

    public DirectoryArchive(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void keep(TenantId tenant, String name, byte[] jsonLines) {
        Path file = root.resolve(tenant.value()).resolve(name).normalize();
        if (!file.startsWith(root.resolve(tenant.value()))) {
            throw new IllegalArgumentException("an archive name must stay inside the tenant's directory: " + name);
        }
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.write(partial, jsonLines);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("the archive " + file + " could not be written: " + e.getMessage(), e);
        }
    }

    @Override
    public String where() {
        return root.toString();
    }
}
