package com.oneshotct.devstack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.devstack.bench.PipelineBench;
import com.oneshotct.worker.cli.BenchOptions;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code oneshot bench pipeline}: orchestration overhead of the pipeline on the embedded stack. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Orchestration overhead: runs small pipelines one after another on the embedded stack (a"
                + " worker in this process) and compares each run's wall time with the time spent inside its stages"
                + " (the registry's stage attempts); prints the fraction left to orchestration and every stage's time.",
            "Progress goes to stderr, the table (or --json) to stdout."})
public final class BenchPipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--runs", defaultValue = "3", description = "pipelines, one after another (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--iterations", defaultValue = "1", description = "training iterations per run (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--size", defaultValue = "64", description = "image and model size (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--threads", defaultValue = "2", description = "libtorch CPU threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PipelineBench.Options o = new PipelineBench.Options(runs, iterations, size);
        BenchThreads.set(threads);
        PipelineBench.Result r = PipelineBench.run(o, BenchOptions.progress(spec.commandLine().getErr()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(r)));
        } else {
            print(out, r);
        }
        out.flush();
        return r.runs().stream().allMatch(f -> "succeeded".equals(f.status())) ? 0 : 1;
    }

    private ObjectNode toJson(PipelineBench.Result r) {
        ObjectNode root = new ObjectMapper().createObjectNode().put("bench", "pipeline").put("runs", runs)
                .put("iterations", iterations).put("image_size", size).put("threads", threads);
        var list = root.putArray("per_run");
        for (PipelineBench.RunFigures f : r.runs()) {
            ObjectNode n = list.addObject().put("workflow_id", f.workflowId()).put("status", f.status())
                    .put("wall_s", f.wallS()).put("in_stages_s", f.inStagesS()).put("overhead_s", f.overheadS())
                    .put("overhead_fraction", f.overheadFraction());
            ObjectNode st = n.putObject("stages_s");
            f.stages().forEach(st::put);
        }
        root.put("mean_overhead_s", r.meanOverheadS()).put("mean_overhead_fraction", r.meanOverheadFraction());
        ObjectNode stages = root.putObject("mean_stages_s");
        r.meanStages().forEach(stages::put);
        root.putObject("reference").put("what", "time inside the stages, from the registry's stage attempts")
                .put("mean_in_stages_s", r.runs().stream().mapToDouble(PipelineBench.RunFigures::inStagesS)
                        .average().orElse(0));
        return root;
    }

    private void print(PrintWriter out, PipelineBench.Result r) {
        out.printf(Locale.ROOT, "orchestration overhead: %d runs, ResNet18 %d px, %d iteration(s), %d threads%n",
                runs, size, iterations, threads);
        out.printf(Locale.ROOT, "%-18s %9s %12s %11s %9s  %s%n", "run", "wall s", "in stages s", "overhead s",
                "fraction", "stages (s)");
        for (PipelineBench.RunFigures f : r.runs()) {
            out.printf(Locale.ROOT, "%-18s %9.1f %12.1f %11.2f %8.1f%%  %s%n", f.workflowId(), f.wallS(),
                    f.inStagesS(), f.overheadS(), 100 * f.overheadFraction(), stages(f.stages()));
        }
        out.printf(Locale.ROOT, "mean overhead %.2f s per run, %.1f%% of the wall time; mean stages: %s%n",
                r.meanOverheadS(), 100 * r.meanOverheadFraction(), stages(r.meanStages()));
    }

    private static String stages(Map<String, Double> s) {
        StringBuilder sb = new StringBuilder();
        s.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.2f", v)));
        return sb.toString();
    }
}
