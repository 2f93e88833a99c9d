package com.oneshotct.devstack.bench;

import com.oneshotct.activities.fetch.DatasetCache;
import com.oneshotct.activities.fetch.FetchedDataset;
import com.oneshotct.activities.store.DatasetVersions;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.model.data.Manifest;
import com.oneshotct.model.data.SyntheticCt;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Dataset fetch throughput: the fetch stage's cache ({@link DatasetCache#fetch}) into an empty cache (cold:
 * download, SHA-256 of every object, the content check that decodes every image, publish) and again into the now
 * full one (warm: the manifest downloaded, every cached file re-hashed), against a plain MinIO-client loop that
 * downloads the same objects (the manifest and every file it lists) to files: same store, same process, rounds
 * interleaved. MB are 10^6 bytes; every figure counts the same bytes (the files and the manifest).
 */
public final class FetchBench {
    public static final String DATASET = "bench-fetch";

    /**
     * What to fetch: a synthetic dataset of {@code images} slices (segmentation and classification, train and test)
     * at {@code size} px, fetched {@code rounds} times each way after {@code warmup} untimed rounds (the JIT, the
     * connections).
     */
    public record Options(int size, int images, int rounds, int warmup) {
        public Options {
            if (rounds < 1 || images < 4 || warmup < 0) {
                throw new IllegalArgumentException("bench fetch: --rounds must be >= 1, --images >= 4, --warmup >= 0");
            }
            if (size < SyntheticCt.Options.MIN_SIZE || size > SyntheticCt.Options.MAX_SIZE) {
                throw new IllegalArgumentException("bench fetch: --size must be " + SyntheticCt.Options.MIN_SIZE
                        + ".." + SyntheticCt.Options.MAX_SIZE);
            }
        }
    }

    /** Seconds per round of each way, and throughput from their sums. */
    public record Result(Options options, int objects, long bytes, List<Double> coldS, List<Double> warmS,
            List<Double> minioS, double coldMBps, double warmMBps, double minioMBps) {}

    private FetchBench() {}

    public static Result run(Options o, Consumer<String> progress) throws Exception {
        int quarter = o.images() / 4;
        SyntheticCt.Options data = SyntheticCt.Options.defaults().withSeed(11).withSize(o.size())
                .withCounts(quarter, quarter, o.images() - 3 * quarter, quarter);
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        List<Double> minio = new ArrayList<>();
        long bytes;
        int objects;
        try (BenchStack s = BenchStack.start(data, DATASET, progress)) {
            S3Config c = s.store().config();
            Path manifestFile = s.dir().resolve("manifest.json");
            DatasetVersions.Version version = new DatasetVersions(s.store()).resolve(DATASET, null);
            s.store().get(version.manifestKey(), manifestFile);
            Manifest manifest = Manifest.read(manifestFile);
            List<String> keys = new ArrayList<>();
            keys.add(version.manifestKey());
            manifest.files().forEach(e -> keys.add(version.objectKey(e)));
            objects = keys.size();
            bytes = Files.size(manifestFile) + manifest.files().stream().mapToLong(Manifest.Entry::size).sum();
            MinioClient client = MinioClient.builder().endpoint(c.endpoint()).credentials(c.accessKey(),
                    c.secretKey()).build();
            for (int r = 1 - o.warmup(); r <= o.rounds(); r++) {
                Path cacheDir = s.dir().resolve("cache-" + r);
                DatasetCache cache = new DatasetCache(cacheDir);
                long t0 = System.nanoTime();
                FetchedDataset f = cache.fetch(s.store(), DATASET);
                double coldS = (System.nanoTime() - t0) / 1e9;
                if (f.downloadedFiles() != manifest.files().size()) {
                    throw new IllegalStateException("a cold fetch downloaded " + f.downloadedFiles() + " of "
                            + manifest.files().size() + " files");
                }
                t0 = System.nanoTime();
                FetchedDataset again = cache.fetch(s.store(), DATASET);
                double warmS = (System.nanoTime() - t0) / 1e9;
                if (again.downloadedFiles() != 0) {
                    throw new IllegalStateException("a warm fetch downloaded " + again.downloadedFiles() + " files");
                }
                Path plain = Files.createDirectories(s.dir().resolve("minio-" + r));
                t0 = System.nanoTime();
                long got = 0;
                for (int i = 0; i < keys.size(); i++) {
                    try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(c.bucket())
                            .object(keys.get(i)).build())) {
                        got += Files.copy(in, plain.resolve(String.valueOf(i)));
                    }
                }
                double minioS = (System.nanoTime() - t0) / 1e9;
                if (got != bytes) {
                    throw new IllegalStateException("the MinIO loop got " + got + " bytes, expected " + bytes);
                }
                if (r >= 1) {
                    cold.add(coldS);
                    warm.add(warmS);
                    minio.add(minioS);
                }
                progress.accept(String.format(Locale.ROOT, "%s: cold %.2f s, warm %.2f s, MinIO loop %.2f s",
                        r < 1 ? "warm-up" : "round " + r + "/" + o.rounds(), coldS, warmS, minioS));
                BenchStack.deleteTree(cacheDir);
                BenchStack.deleteTree(plain);
            }
        }
        return new Result(o, objects, bytes, cold, warm, minio, mbps(bytes, cold), mbps(bytes, warm),
                mbps(bytes, minio));
    }

    private static double mbps(long bytes, List<Double> seconds) {
        return bytes * seconds.size() / 1e6 / seconds.stream().mapToDouble(Double::doubleValue).sum();
    }
}
