package com.oneshotct.worker.cli;

import com.oneshotct.model.data.Instance;
import com.oneshotct.model.data.Manifest;
import com.oneshotct.model.data.SynthResult;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.data.SyntheticCt.Options;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code oneshot synth}: writes a deterministic synthetic chest-CT dataset in the CNCB-NCOV layouts. */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a synthetic chest-CT dataset: segmentation and classification splits in the CNCB-NCOV layouts, "
                    + "split lists and manifest.json. The same options give byte-identical files.",
            "DIR must be missing or empty: the command never overwrites or deletes anything."
        })
public final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "dataset folder to create")
    Path out;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + Options.DEFAULT_SEED,
            description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "" + Options.DEFAULT_SIZE,
            description = "slice width and height, " + Options.MIN_SIZE + ".." + Options.MAX_SIZE
                    + " (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--seg-train", paramLabel = "N", defaultValue = "" + Options.DEFAULT_SEG_TRAIN,
            description = "segmentation training slices (default ${DEFAULT-VALUE})")
    int segTrain;

    @Option(names = "--seg-test", paramLabel = "N", defaultValue = "" + Options.DEFAULT_SEG_TEST,
            description = "segmentation test slices (default ${DEFAULT-VALUE})")
    int segTest;

    @Option(names = "--cls-train", paramLabel = "N", defaultValue = "" + Options.DEFAULT_CLS_TRAIN,
            description = "classification training slices, classes round-robin (default ${DEFAULT-VALUE})")
    int clsTrain;

    @Option(names = "--cls-test", paramLabel = "N", defaultValue = "" + Options.DEFAULT_CLS_TEST,
            description = "classification test slices, classes round-robin (default ${DEFAULT-VALUE})")
    int clsTest;

    @Option(names = "--seg-val", paramLabel = "N", defaultValue = "" + Options.DEFAULT_SEG_VAL,
            description = "segmentation validation slices, 0 for no validation split (default ${DEFAULT-VALUE})")
    int segVal;

    @Option(names = "--cls-val", paramLabel = "N", defaultValue = "" + Options.DEFAULT_CLS_VAL,
            description = "classification validation slices, 0 for none (default ${DEFAULT-VALUE})")
    int clsVal;

    @Override
    public Integer call() {
        Options options = new Options(seed, size, segTrain, segTest, clsTrain, clsTest, segVal, clsVal);
        PrintWriter err = spec.commandLine().getErr();
        SynthResult result = new SyntheticCt(options).write(out, line -> {
            err.println(line);
            err.flush();
        });
        Path manifest = out.resolve(Manifest.FILE_NAME);
        int[] perLabel = new int[4];
        for (SynthResult.SegItem item : result.segmentation()) {
            for (Instance inst : item.instances()) {
                perLabel[inst.label()]++;
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("synthetic CT dataset: " + out);
        o.println("seed " + seed + ", " + size + "x" + size + " px");
        o.println("segmentation: " + segTrain + " train, " + segVal + " val, " + segTest + " test slices in " + out.resolve("segmentation")
                + " (instances: " + perLabel[1] + " lung, " + perLabel[2] + " GGO, " + perLabel[3]
                + " consolidation)");
        o.println("classification: " + clsTrain + " train, " + clsVal + " val, " + clsTest + " test slices in "
                + out.resolve("classification"));
        o.println("manifest: " + manifest + " (" + Manifest.read(manifest).files().size() + " files)");
        o.println("dataset id: " + Manifest.id(manifest));
        o.flush();
        return 0;
    }
}
