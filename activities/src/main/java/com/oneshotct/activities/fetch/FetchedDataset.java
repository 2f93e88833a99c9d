package com.oneshotct.activities.fetch;

import java.nio.file.Path;

/**
 * A dataset present and verified in the local cache.
 *
 * @param datasetId SHA-256 of the manifest's bytes (lower-case hex)
 * @param root the dataset folder, {@code <cache>/datasets/<datasetId>/}, with its {@code manifest.json}
 * @param files files the manifest lists
 * @param bytes their total size
 * @param downloadedFiles files this fetch downloaded (0 when the cache held them all)
 * @param downloadedBytes bytes this fetch downloaded
 */
public record FetchedDataset(String datasetId, Path root, int files, long bytes, int downloadedFiles,
                             long downloadedBytes) {}
