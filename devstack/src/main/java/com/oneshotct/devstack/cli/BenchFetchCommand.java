package com.oneshotct.devstack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.devstack.bench.FetchBench;
import com.oneshotct.worker.cli.BenchOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code oneshot bench fetch}: dataset fetch throughput, cold and warm cache, beside a plain MinIO-client loop. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Dataset fetch throughput (MB/s, 10^6 bytes) on the embedded stack: the fetch stage's cache,"
                + " cold (empty) and warm (full), beside a plain MinIO-client loop downloading the same objects from"
                + " the same store in the same process, rounds interleaved.",
            "Progress goes to stderr, the table (or --json) to stdout."})
public final class BenchFetchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", defaultValue = "160", description = "synthetic slices in the dataset (default ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--size", defaultValue = "512", description = "slice size in px (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--rounds", defaultValue = "3", description = "fetches of each kind (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed rounds first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        FetchBench.Result r = FetchBench.run(new FetchBench.Options(size, images, rounds, warmup),
                BenchOptions.progress(spec.commandLine().getErr()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(r)));
        } else {
            out.printf(Locale.ROOT, "dataset fetch: %d objects, %.1f MB, %d rounds (MB/s over all rounds)%n",
                    r.objects(), r.bytes() / 1e6, rounds);
            out.printf(Locale.ROOT, "%-42s %8s %9s%n", "", "MB/s", "vs MinIO");
            out.printf(Locale.ROOT, "%-42s %8.1f %8.2fx%n", "cold cache (download, verify, decode-check)",
                    r.coldMBps(), r.coldMBps() / r.minioMBps());
            out.printf(Locale.ROOT, "%-42s %8.1f %8.2fx%n", "warm cache (manifest + re-hash)", r.warmMBps(),
                    r.warmMBps() / r.minioMBps());
            out.printf(Locale.ROOT, "%-42s %8.1f %9s%n", "reference: plain MinIO-client loop", r.minioMBps(), "1");
        }
        out.flush();
        return 0;
    }

    private static ObjectNode toJson(FetchBench.Result r) {
        ObjectNode root = new ObjectMapper().createObjectNode().put("bench", "fetch")
                .put("objects", r.objects()).put("bytes", r.bytes()).put("rounds", r.options().rounds())
                .put("warmup", r.options().warmup())
                .put("image_size", r.options().size()).put("cold_mb_s", r.coldMBps()).put("warm_mb_s", r.warmMBps());
        root.putObject("reference").put("what", "plain MinIO-client getObject loop over the same objects")
                .put("mb_s", r.minioMBps());
        root.putObject("ratios").put("cold_vs_reference", r.coldMBps() / r.minioMBps())
                .put("warm_vs_reference", r.warmMBps() / r.minioMBps());
        ObjectNode s = root.putObject("seconds");
        put(s, "cold", r.coldS());
        put(s, "warm", r.warmS());
        put(s, "reference", r.minioS());
        return root;
    }

    private static void put(ObjectNode n, String name, List<Double> values) {
        var a = n.putArray(name);
        values.forEach(a::add);
    }
}
