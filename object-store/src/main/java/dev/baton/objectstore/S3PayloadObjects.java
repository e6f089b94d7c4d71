package dev.baton.objectstore;

import dev.baton.engine.spi.PayloadObjects;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/** Large execution values in one bucket of an S3-compatible store, under a common key prefix. */
public final class S3PayloadObjects implements PayloadObjects {

    /** S3 deletes at most this many objects per request. */
    private static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3PayloadObjects(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    @Override
    public void put(String key, byte[] data) {
        s3.putObject(r -> r.bucket(bucket).key(prefix + key).contentType("application/json"),
                RequestBody.fromBytes(data));
    }

    @Override
    public byte[] get(String key) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(prefix + key)).asByteArray();
    }

    @Override
    public void delete(Collection<String> keys) {
        List<ObjectIdentifier> batch = new ArrayList<>();
        for (String key : keys) {
            batch.add(ObjectIdentifier.builder().key(prefix + key).build());
            if (batch.size() == DELETE_BATCH) {
                deleteAll(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            deleteAll(batch);
        }
    }

    private void deleteAll(List<ObjectIdentifier> objects) {
        s3.deleteObjects(r -> r.bucket(bucket).delete(Delete.builder().objects(objects).quiet(true).build()));
    }
}
