package com.oneshotct.worker.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oneshotct.activities.store.DatasetPush;
import com.oneshotct.activities.store.ObjectStore;
import com.oneshotct.activities.store.PushSummary;
import com.oneshotct.activities.store.S3Config;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code oneshot dataset push DIR --name NAME [--json]}: uploads a dataset folder with its manifest. */
@Command(
        name = "push",
        mixinStandardHelpOptions = true,
        description = {"Upload a dataset folder to the object store as datasets/NAME/, with its manifest.json"
                + " (written if the folder has none, checked against the folder if it has one), the manifest last."
                + " Files the store already holds with the same size and SHA-256 are skipped.",
            "The store comes from ONESHOT_S3_ENDPOINT, ONESHOT_S3_ACCESS_KEY, ONESHOT_S3_SECRET_KEY and"
                + " ONESHOT_S3_BUCKET (default 'oneshot')."})
public class DatasetPushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "dataset root")
    Path dir;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "dataset name: a-z, 0-9, '.', '_', '-', at most 63 characters")
    String name;

    @Option(names = "--json", description = "print the summary as JSON")
    boolean json;

    private final Map<String, String> env;

    public DatasetPushCommand() {
        this(System.getenv());
    }

    /** Reads the S3 settings from {@code env} instead of the process environment. */
    public DatasetPushCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() throws JsonProcessingException {
        S3Config config = S3Config.fromEnvironment(env);
        PushSummary s;
        try (ObjectStore store = new ObjectStore(config)) {
            s = new DatasetPush(store).push(dir, name);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(s));
        } else {
            if (s.newVersion()) {
                out.printf("pushed dataset %s: new version %s (the newest%s)%n", s.name(), s.datasetId(),
                        s.previousNewest() == null ? ", its first" : "; the one before, " + s.previousNewest()
                                + ", is kept");
            } else {
                out.printf("dataset %s already holds this content as version %s: nothing pushed%n", s.name(),
                        s.datasetId());
            }
            out.printf("store       %s/%s%n", s.bucket(), s.prefix());
            out.printf("files       %d (%d bytes)%n", s.files(), s.bytes());
            out.printf("uploaded    %d files (%d bytes); the others were there already%n", s.uploadedFiles(),
                    s.uploadedBytes());
        }
        out.flush();
        return 0;
    }
}
