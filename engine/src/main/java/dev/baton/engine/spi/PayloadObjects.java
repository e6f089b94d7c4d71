package dev.baton.engine.spi;

import java.util.Collection;

/**
 * An object store every server node shares (S3 or one speaking its protocol), where large execution values are kept
 * instead of PostgreSQL when one is configured. Keys are made by the engine; the store only keeps bytes.
 */
public interface PayloadObjects {

    void put(String key, byte[] data);

    /** The bytes under {@code key}; fails when there are none. */
    byte[] get(String key);

    /** Removes the objects, those already gone included. */
    void delete(Collection<String> keys);
}
