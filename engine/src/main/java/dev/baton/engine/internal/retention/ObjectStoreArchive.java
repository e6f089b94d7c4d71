package dev.baton.engine.internal.retention;

import dev.baton.engine.spi.ExecutionArchive;
import dev.baton.engine.spi.PayloadObjects;
import dev.baton.tenancy.TenantId;

/** The archive in the object store large payloads go to, under {@code archive/<tenant>/}. */
public final class ObjectStoreArchive implements ExecutionArchive {

    private final PayloadObjects objects;

    public ObjectStoreArchive(PayloadObjects objects) {
        this.objects = objects;
    }

    @Override
    public void keep(TenantId tenant, String name, byte[] jsonLines) {
        objects.put("archive/" + tenant.value() + "/" + name, jsonLines);
    }

    @Override
    public String where() {
        return "the object store, under archive/";
    }
}
