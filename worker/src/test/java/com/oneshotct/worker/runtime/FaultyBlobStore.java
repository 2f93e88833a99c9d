package com.oneshotct.worker.runtime;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The object store's files as S3Proxy serves them, until a {@link Trip} fires: the first request a trip matches
 * starts an outage. From that request on this store answers everything with 503 Service Unavailable (as a server
 * going down does), and the trip's future completes so that the test stops the server for real and, later, starts a
 * new one on the same files and port with the trips not yet fired.
 */
final class FaultyBlobStore extends ForwardingBlobStore {

    /** One outage, started by the first request (operation, object key) that {@code matches}. */
    static final class Trip {
        final String name;
        private final BiPredicate<String, String> matches;
        /** Completes with the key of the request that started the outage. */
        final CompletableFuture<String> fired = new CompletableFuture<>();

        Trip(String name, BiPredicate<String, String> matches) {
            this.name = name;
            this.matches = matches;
        }

        /** Fires on the {@code n}-th request that {@code matches}. */
        static Trip onNth(String name, int n, BiPredicate<String, String> matches) {
            AtomicInteger seen = new AtomicInteger();
            return new Trip(name, (op, key) -> matches.test(op, key) && seen.incrementAndGet() == n);
        }
    }

    static final String GET = "get";
    static final String HEAD = "head";
    static final String PUT = "put";
    static final String LIST = "list";

    private final List<Trip> trips;
    private volatile String down;

    FaultyBlobStore(BlobStore files, List<Trip> trips) {
        super(files);
        this.trips = trips;
    }

    private void check(String operation, String key) {
        if (down == null) {
            for (Trip t : trips) {
                if (!t.fired.isDone() && t.matches.test(operation, key)) {
                    down = t.name + " (" + operation + " " + key + ")";
                    t.fired.complete(key);
                    break;
                }
            }
        }
        if (down != null) {
            // what S3 services answer while they shut down (S3Proxy passes an AWS error on as it is)
            throw S3Exception.builder().statusCode(503).message("the object store is going down: " + down)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceUnavailable")
                            .errorMessage("the object store is going down: " + down).build())
                    .build();
        }
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        check(GET, request.key());
        return super.getBlob(request);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        check(HEAD, request.key());
        return super.blobMetadata(request);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
        check(PUT, request.key());
        return super.putBlob(request, payload);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        check(PUT, request.key());
        return super.initiateMultipartUpload(request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request,
            InputStream payload) {
        check(PUT, request.key());
        return super.uploadMultipartPart(upload, request, payload);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
            CompleteMultipartUploadRequest request) {
        check(PUT, request.key());
        return super.completeMultipartUpload(upload, request);
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        check(LIST, request.prefix());
        return super.list(request);
    }
}
