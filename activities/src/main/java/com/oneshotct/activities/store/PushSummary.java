package com.oneshotct.activities.store;

/**
 * What a push did.
 *
 * @param name the dataset name
 * @param datasetId the version: SHA-256 of the manifest's bytes (lower-case hex)
 * @param bucket the bucket it went to
 * @param prefix the object prefix, {@code datasets/<name>/}
 * @param files files the manifest lists (the manifest itself not counted)
 * @param bytes their total size
 * @param uploadedFiles files this push uploaded (those the store held with the same size and SHA-256 were skipped)
 * @param uploadedBytes their total size
 * @param newVersion whether this push made a new version (false: the store held this content as a version)
 * @param previousNewest the newest version before the push, or null when the dataset had none
 */
public record PushSummary(String name, String datasetId, String bucket, String prefix, int files, long bytes,
                          int uploadedFiles, long uploadedBytes, boolean newVersion, String previousNewest) {}
