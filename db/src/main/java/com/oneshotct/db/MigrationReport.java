package com.oneshotct.db;

/** What a migrate did: how many migrations it applied (0 when the schema was current) and the version after. */
public record MigrationReport(int applied, String schemaVersion) {
}
