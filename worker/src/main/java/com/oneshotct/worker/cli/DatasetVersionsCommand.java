package com.oneshotct.worker.cli;

import com.oneshotct.activities.store.DatasetName;
import com.oneshotct.activities.store.DatasetVersions;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.S3Config;
import com.oneshotct.db.Database;
import com.oneshotct.db.DbConfig;
import com.oneshotct.model.data.Manifest;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dataset list|show|remove}: the versions of the datasets in the object store and the runs that use them
 * (from the registry, when {@code ONESHOT_DB_URL} is set).
 */
final class DatasetVersionsCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private DatasetVersionsCommand() {}

    /** The registry's runs of a version; empty when no registry is configured. */
    private static Optional<Function<String, List<String>>> runs(Map<String, String> env) {
        if (env.getOrDefault("ONESHOT_DB_URL", "").isBlank()) {
            return Optional.empty();
        }
        return Optional.of(id -> {
            try (Database db = Database.open(DbConfig.fromEnvironment(env))) {
                return db.registry().runs().usingDataset(id);
            }
        });
    }

    private static Path tmp() {
        try {
            return Files.createTempDirectory("oneshot-dataset-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the datasets in the object store and their versions, oldest first (* the newest),",
                "with the runs that use each when the registry is configured (ONESHOT_DB_URL)."})
    static final class ListVersions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "only this dataset")
        String name;

        private final Map<String, String> env;

        ListVersions() {
            this(System.getenv());
        }

        ListVersions(Map<String, String> env) {
            this.env = Map.copyOf(env);
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<Function<String, List<String>>> runs = runs(env);
            try (ObjectStore store = new ObjectStore(S3Config.fromEnvironment(env))) {
                DatasetVersions versions = new DatasetVersions(store);
                List<String> names = name == null ? versions.names() : List.of(DatasetName.check(name));
                for (String n : names) {
                    List<DatasetVersions.Version> all = versions.list(n);
                    if (all.isEmpty()) {
                        if (name != null) {
                            throw new IllegalArgumentException("dataset '" + n + "' has no version in bucket '"
                                    + store.bucket() + "'");
                        }
                        continue;
                    }
                    out.printf(Locale.ROOT, "%s%n", n);
                    for (int i = 0; i < all.size(); i++) {
                        DatasetVersions.Version v = all.get(i);
                        String used = runs.map(r -> {
                            List<String> ids = r.apply(v.id());
                            return ids.isEmpty() ? "no run" : ids.size() + " run(s): " + String.join(", ", ids);
                        }).orElse("runs: set ONESHOT_DB_URL to see");
                        out.printf(Locale.ROOT, "  %s %s  pushed %s%s  %s%n", i == all.size() - 1 ? "*" : " ",
                                v.id(), TIME.format(v.pushed()), v.legacy() ? " (before versions)" : "", used);
                    }
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Shows one version of a dataset (default: the newest): its files and splits, and its runs.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--version", paramLabel = "ID", description = "a version id or its first 8+ characters")
        String version;

        private final Map<String, String> env;

        Show() {
            this(System.getenv());
        }

        Show(Map<String, String> env) {
            this.env = Map.copyOf(env);
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (ObjectStore store = new ObjectStore(S3Config.fromEnvironment(env))) {
                DatasetVersions versions = new DatasetVersions(store);
                DatasetVersions.Version v = resolve(versions, name, version);
                Manifest m = versions.manifest(v, tmp());
                boolean newest = versions.newest(name).map(n -> n.id().equals(v.id())).orElse(false);
                out.printf(Locale.ROOT, "dataset   %s%nversion   %s%s%npushed    %s%nfiles     %d (%d bytes)%n",
                        name, v.id(), newest ? " (the newest)" : "", TIME.format(v.pushed()), m.files().size(),
                        m.files().stream().mapToLong(Manifest.Entry::size).sum());
                com.oneshotct.activities.fetch.SplitSizes.of(m).forEach((split, n) ->
                        out.printf(Locale.ROOT, "  %-28s %d%n", split, n));
                runs(env).ifPresentOrElse(r -> {
                    List<String> ids = r.apply(v.id());
                    out.printf(Locale.ROOT, "runs      %s%n", ids.isEmpty() ? "none" : String.join(", ", ids));
                }, () -> out.println("runs      (set ONESHOT_DB_URL to see which runs use it)"));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Removes one version of a dataset: its manifest and the files no other version lists.",
                "Refused while a run in the registry uses it (ONESHOT_DB_URL must be set to know)."})
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--version", required = true, paramLabel = "ID",
                description = "the version: its id or first 8+ characters (never implied: removal is explicit)")
        String version;

        private final Map<String, String> env;

        Remove() {
            this(System.getenv());
        }

        Remove(Map<String, String> env) {
            this.env = Map.copyOf(env);
        }

        @Override
        public Integer call() {
            Function<String, List<String>> runs = runs(env).orElseThrow(() -> new IllegalArgumentException(
                    "dataset remove needs the registry to know which runs use the version: set ONESHOT_DB_URL"));
            try (ObjectStore store = new ObjectStore(S3Config.fromEnvironment(env))) {
                DatasetVersions versions = new DatasetVersions(store);
                DatasetVersions.Version v = resolve(versions, name, version);
                List<String> using = runs.apply(v.id());
                if (!using.isEmpty()) {
                    throw new IllegalArgumentException("dataset '" + name + "' version " + v.shortId() + " is used by "
                            + using.size() + " run(s) (" + String.join(", ", using) + "): not removed");
                }
                int removed = versions.remove(v, tmp());
                PrintWriter out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "removed dataset %s version %s (%d objects)%n", name, v.id(), removed);
                out.flush();
            }
            return 0;
        }
    }

    private static DatasetVersions.Version resolve(DatasetVersions versions, String name, String version) {
        try {
            return versions.resolve(name, version);
        } catch (com.oneshotct.activities.store.MissingObjectException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
