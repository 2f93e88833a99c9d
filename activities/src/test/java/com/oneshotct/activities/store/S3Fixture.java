package com.oneshotct.activities.store;

import com.oneshotct.embedded.EmbeddedS3;
import com.oneshotct.model.data.GreyPng;
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
     * Writes a small readable dataset in the split-folder layout (fetch decodes every image): 2 segmentation images
     * with masks, 3 classification images and one list file, plus {@code notes.txt} holding {@code tag}, so that
     * datasets with different tags have different ids. Every file's bytes differ from the others'. Returns path ->
     * content.
     */
    public static Map<String, byte[]> writeDataset(Path dir, String tag) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("segmentation/train/imgs/a.png", slice(8, 8, 10));
        files.put("segmentation/train/masks/a.png", mask(8, 8, 1));
        files.put("segmentation/test/imgs/b.png", slice(10, 6, 20));
        files.put("segmentation/test/masks/b.png", mask(10, 6, 2));
        files.put("classification/train/0_p1_1_1.png", slice(8, 8, 30));
        files.put("classification/train/2_p2_1_7.png", slice(8, 8, 40));
        files.put("classification/test/1_p3_2_4.png", slice(8, 8, 50));
        files.put("classification/test_split_classification.txt", "1_p3_2_4.png 1\n".getBytes(StandardCharsets.UTF_8));
        files.put("notes.txt", tag.getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue());
        }
        return files;
    }

    /** A grey PNG whose pixels count up from {@code first}. */
    private static byte[] slice(int w, int h, int first) {
        byte[] px = new byte[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (first + i);
        }
        return GreyPng.encode(px, w, h);
    }

    /** A mask holding {@code label} on a 2-pixel border-free square, 0 elsewhere. */
    private static byte[] mask(int w, int h, int label) {
        byte[] px = new byte[w * h];
        for (int y = 2; y < 4; y++) {
            for (int x = 2; x < 4; x++) {
                px[y * w + x] = (byte) label;
            }
        }
        return GreyPng.encode(px, w, h);
    }

    public static long totalBytes(Map<String, byte[]> files) {
        return files.values().stream().mapToLong(v -> v.length).sum();
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
