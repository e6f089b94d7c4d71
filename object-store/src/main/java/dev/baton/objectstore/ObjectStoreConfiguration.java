package dev.baton.objectstore;

import dev.baton.engine.spi.PayloadObjects;
import java.net.URI;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * An S3-compatible store for large execution values, when {@code baton.payloads.s3.bucket} names a bucket; its
 * endpoint, region and keys come from {@code baton.payloads.s3.*}, or from the AWS SDK's usual sources when not
 * given. Without a bucket, PostgreSQL keeps them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("baton.payloads.s3.bucket")
public class ObjectStoreConfiguration {

    @Bean(destroyMethod = "close")
    S3Client payloadS3(@Value("${baton.payloads.s3.endpoint:}") String endpoint,
            @Value("${baton.payloads.s3.region:us-east-1}") String region,
            @Value("${baton.payloads.s3.access-key:}") String accessKey,
            @Value("${baton.payloads.s3.secret-key:}") String secretKey) {
        S3ClientBuilder builder = S3Client.builder().region(Region.of(region));
        if (!endpoint.isEmpty()) {
            // MinIO, Ceph and the like answer on one host: buckets in the path, not in the host name; and not all of
            // them read the chunked, trailing-checksum uploads the SDK sends AWS by default
            builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build());
        }
        builder.credentialsProvider(accessKey.isEmpty() ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
        return builder.build();
    }

    @Bean
    PayloadObjects s3PayloadObjects(S3Client payloadS3, @Value("${baton.payloads.s3.bucket}") String bucket,
            @Value("${baton.payloads.s3.prefix:baton/payloads/}") String prefix) {
        return new S3PayloadObjects(payloadS3, bucket, prefix);
    }
}
