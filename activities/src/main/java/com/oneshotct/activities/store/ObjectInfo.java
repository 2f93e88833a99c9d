package com.oneshotct.activities.store;

/**
 * An object's key, size and SHA-256. {@code sha256} is what this code computed while moving the bytes
 * (put, get), what the object's {@code x-amz-meta-sha256} metadata says (stat), or null where neither is known
 * (a listing, or an object written by another tool).
 */
public record ObjectInfo(String key, long size, String sha256) {}
