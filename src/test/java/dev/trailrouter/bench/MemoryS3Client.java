package dev.trailrouter.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** "Fetch from memory": an S3Client whose GetObject serves bytes (or a file) without a network, for the CPU benchmark. */
final class MemoryS3Client implements S3Client {

    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    /** GetObject calls served: how many times an object was read. */
    final java.util.concurrent.atomic.AtomicInteger gets = new java.util.concurrent.atomic.AtomicInteger();

    void put(String key, byte[] content) {
        objects.put(key, content);
    }

    void put(String key, Path file) {
        files.put(key, file);
    }

    @Override
    public <T> T getObject(GetObjectRequest request, ResponseTransformer<GetObjectResponse, T> transformer) {
        gets.incrementAndGet();
        try {
            InputStream in;
            long length;
            if (objects.containsKey(request.key())) {
                byte[] content = objects.get(request.key());
                in = new ByteArrayInputStream(content);
                length = content.length;
            } else if (files.containsKey(request.key())) {
                Path file = files.get(request.key());
                in = Files.newInputStream(file);
                length = Files.size(file);
            } else {
                throw NoSuchKeyException.builder().message(request.key()).statusCode(404).build();
            }
            GetObjectResponse response = GetObjectResponse.builder().contentLength(length).eTag("\"bench\"").build();
            return transformer.transform(response, AbortableInputStream.create(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
        return getObject(request, ResponseTransformer.toInputStream());
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
    }
}
