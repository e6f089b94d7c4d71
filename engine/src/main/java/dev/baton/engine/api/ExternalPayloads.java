package dev.baton.engine.api;

import dev.baton.tenancy.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Conductor's external payload storage, as its official clients use it: a client asks for a place, uploads a large
 * JSON object to the place's URI without credentials, and sends the place's path instead of the object.
 */
public interface ExternalPayloads {

    /** What a client means to do at a place. */
    enum Operation { READ, WRITE }

    /** Which payload a place holds, as Conductor names it. */
    enum PayloadType { WORKFLOW_INPUT, WORKFLOW_OUTPUT, TASK_INPUT, TASK_OUTPUT }

    /**
     * A place: the path a client sends back in place of the payload, the capability its URI carries (good for the
     * one operation on the one path, until it expires), and how many bytes may be uploaded there.
     */
    record Place(String path, String token, long maxBytes) {}

    /** The outcome of an upload. */
    sealed interface Stored {
        /** The payload is stored under the place's path. */
        record Done(String path, long bytes) implements Stored {}

        /** The payload is larger than {@code limit} bytes ({@code name} says which limit); nothing was stored. */
        record TooLarge(String name, long limit) implements Stored {}
    }

    /**
     * A place for {@code operation} by a caller of {@code tenant}: a new path for WRITE, the given {@code path} of
     * an earlier upload of the tenant for READ (unknown: {@link EngineException#notFound}).
     *
     * @param maxBytes the most the caller may upload there (the tenant's payload quota, if it has one)
     */
    Place place(TenantId tenant, Operation operation, PayloadType type, String path, long maxBytes, String caller);

    /**
     * Stores the JSON object read from {@code body} at the place of a WRITE capability. Unknown or expired
     * capabilities answer {@link EngineException#notFound}, a place already written or a body that is not a JSON
     * object {@link EngineException#conflict} and {@link EngineException#invalid}.
     */
    Stored store(String token, InputStream body) throws IOException;

    /** The JSON uploaded to the place of a READ capability; empty when the capability is unknown or expired. */
    Optional<byte[]> fetch(String token);
}
