package com.oneshotct.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmbeddedS3Test {
    @Test
    void minioClientRoundTripsAnObjectAndWrongKeysAreRefused() throws Exception {
        try (EmbeddedS3 s3 = EmbeddedS3.transientStore(0, "access-test", "secret-test-123")) {
            MinioClient client = MinioClient.builder().endpoint(s3.endpoint())
                    .credentials(s3.accessKey(), s3.secretKey()).build();
            client.makeBucket(MakeBucketArgs.builder().bucket("bucket-one").build());
            byte[] body = "hello object store".getBytes(StandardCharsets.UTF_8);
            client.putObject(PutObjectArgs.builder().bucket("bucket-one").object("a/b.txt")
                    .stream(new ByteArrayInputStream(body), body.length, -1).build());
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("bucket-one").object("a/b.txt").build())) {
                assertArrayEquals(body, in.readAllBytes());
            }
            MinioClient wrong = MinioClient.builder().endpoint(s3.endpoint())
                    .credentials(s3.accessKey(), "not-the-secret").build();
            assertThrows(ErrorResponseException.class,
                    () -> wrong.bucketExists(BucketExistsArgs.builder().bucket("bucket-one").build()));
        }
    }
}
