package com.oneshotct.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import static com.oneshotct.db.Jdbc.first;
import static com.oneshotct.db.Jdbc.update;

/**
 * Named model versions. Registering a checkpoint under a name gives it the next version number (once: a retry
 * returns the same version); an alias such as {@code champion} names one version of a model at a time, and a version
 * may carry several ({@code best} and {@code latest}).
 */
public final class ModelVersionRepository {

    private static final String FROM = " FROM model_versions m JOIN checkpoints c ON c.id = m.checkpoint_id"
            + " JOIN runs r ON r.id = c.run_id";

    private final Jdbc jdbc;

    public ModelVersionRepository(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /** Registers a checkpoint as a version of {@code name}; registering the same checkpoint again is a no-op. */
    public ModelVersion register(String name, long checkpointId) {
        return jdbc.tx("registering checkpoint " + checkpointId + " as model '" + name + "'",
                c -> register(c, name, checkpointId));
    }

    /** Points {@code alias} at one version of {@code name}, taking it from whichever version had it. */
    public ModelVersion setAlias(String name, int version, String alias) {
        return jdbc.tx("setting alias '" + alias + "' of model '" + name + "' to version " + version,
                c -> alias(c, name, version, alias));
    }

    /** Registers a checkpoint and gives it {@code alias}, in one transaction: what "promote the best" means. */
    public ModelVersion promote(String name, long checkpointId, String alias) {
        return jdbc.tx("promoting checkpoint " + checkpointId + " to '" + alias + "' of model '" + name + "'",
                c -> alias(c, name, register(c, name, checkpointId).version(), alias));
    }

    public ModelVersion byAlias(String name, String alias) {
        return jdbc.read("reading alias '" + alias + "' of model '" + name + "'", c ->
                first(c, "SELECT " + Rows.MODEL_VERSION_COLUMNS + FROM + " JOIN model_aliases a ON a.name = m.name"
                                + " AND a.version = m.version WHERE m.name = ? AND a.alias = ?",
                        Rows::modelVersion, name, alias)
                        .orElseThrow(() -> new NotFoundException("model alias", name + "@" + alias)));
    }

    public ModelVersion version(String name, int version) {
        return jdbc.read("reading model '" + name + "' version " + version, c -> find(c, name, version)
                .orElseThrow(() -> new NotFoundException("model version", name + " v" + version)));
    }

    /** Every version of a model, oldest first; an unknown model name is a {@link NotFoundException}. */
    public List<ModelVersion> versions(String name) {
        return jdbc.read("reading versions of model '" + name + "'", c -> {
            List<ModelVersion> all = Jdbc.list(c, "SELECT " + Rows.MODEL_VERSION_COLUMNS + FROM
                    + " WHERE m.name = ? ORDER BY m.version", Rows::modelVersion, name);
            if (all.isEmpty()) {
                throw new NotFoundException("model", name);
            }
            return all;
        });
    }

    static List<ModelVersion> forRun(Connection c, long run) throws SQLException {
        return Jdbc.list(c, "SELECT " + Rows.MODEL_VERSION_COLUMNS + FROM + " WHERE c.run_id = ?"
                + " ORDER BY m.name, m.version", Rows::modelVersion, run);
    }

    private static ModelVersion register(Connection c, String name, long checkpointId) throws SQLException {
        TrainingRepository.find(c, checkpointId);
        // Version numbers are max + 1 per name; the transaction-scoped lock keeps two registrations of the same
        // name from computing the same number.
        Jdbc.first(c, "SELECT pg_advisory_xact_lock(hashtext(?))", rs -> null, "model_versions:" + name);
        Optional<ModelVersion> existing = first(c, "SELECT " + Rows.MODEL_VERSION_COLUMNS + FROM
                + " WHERE m.name = ? AND m.checkpoint_id = ?", Rows::modelVersion, name, checkpointId);
        if (existing.isPresent()) {
            return existing.get();
        }
        update(c, "INSERT INTO model_versions (name, version, checkpoint_id)"
                + " SELECT ?, coalesce(max(version), 0) + 1, ? FROM model_versions WHERE name = ?",
                name, checkpointId, name);
        return first(c, "SELECT " + Rows.MODEL_VERSION_COLUMNS + FROM + " WHERE m.name = ? AND m.checkpoint_id = ?",
                Rows::modelVersion, name, checkpointId).orElseThrow();
    }

    private static ModelVersion alias(Connection c, String name, int version, String alias) throws SQLException {
        find(c, name, version).orElseThrow(() -> new NotFoundException("model version", name + " v" + version));
        update(c, "INSERT INTO model_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT (name, alias)"
                + " DO UPDATE SET version = EXCLUDED.version, updated_at = now()"
                + " WHERE model_aliases.version <> EXCLUDED.version", name, alias, version);
        return find(c, name, version).orElseThrow();
    }

    private static Optional<ModelVersion> find(Connection c, String name, int version) throws SQLException {
        return first(c, "SELECT " + Rows.MODEL_VERSION_COLUMNS + FROM + " WHERE m.name = ? AND m.version = ?",
                Rows::modelVersion, name, version);
    }
}
