package com.oneshotct.workflows.contract;

/**
 * A dataset present and verified in the fetching worker's cache.
 *
 * @param datasetId SHA-256 of the dataset's manifest (lower-case hex)
 * @param files files the manifest lists
 * @param bytes their total size
 * @param downloadedFiles files this attempt downloaded (0 when the cache already held them all)
 * @param downloadedBytes bytes this attempt downloaded
 */
public record FetchResult(String datasetId, int files, long bytes, int downloadedFiles, long downloadedBytes) {}
