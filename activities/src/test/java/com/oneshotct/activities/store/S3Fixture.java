package com.oneshotct.activities.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** An in-memory S3Proxy with a store on bucket "oneshot", and a small dataset folder to push. */
public final class S3Fixture implements AutoCloseable {
    public static final String ACCESS = "access-test";
    public static final String SECRET = "secret-test-123";

    public final EmbeddedS3 s3;
    public final ObjectStore store;

    public S3Fixture() {
        s3 = EmbeddedS3.transientStore(0, ACCESS, SECRET);
        store = new ObjectStore(new S3Config(s3.endpoint(), ACCESS, SECRET, "oneshot"));
        store.ensureBucket();
    }

    /**
     * Writes a dataset in the split-folder layout with made-up bytes (push and fetch never decode images):
     * 2 segmentation images with masks, 3 classification images and one list file, plus {@code notes.txt}
     * holding {@code tag}, so that datasets with different tags have different ids. Returns path -> content.
     */
    public static Map<String, String> writeDataset(Path dir, String tag) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("segmentation/train/imgs/a.png", "image a");
        files.put("segmentation/train/masks/a.png", "mask a");
        files.put("segmentation/test/imgs/b.png", "image b, longer");
        files.put("segmentation/test/masks/b.png", "mask b");
        files.put("classification/train/0_p1_1_1.png", "normal slice");
        files.put("classification/train/2_p2_1_7.png", "covid slice");
        files.put("classification/test/1_p3_2_4.png", "cp slice");
        files.put("classification/test_split_classification.txt", "1_p3_2_4.png 1\n");
        files.put("notes.txt", tag);
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
        }
        return files;
    }

    public static long totalBytes(Map<String, String> files) {
        return files.values().stream().mapToLong(v -> v.getBytes(StandardCharsets.UTF_8).length).sum();
    }

    private boolean stopped;

    /** Stops the S3 service, as a network outage would look to the client. */
    public void stopService() {
        if (!stopped) {
            stopped = true;
            s3.close();
        }
    }

    @Override
    public void close() {
        store.close();
        stopService();
    }
}
