package com.oneshotct.worker.cli;

import ai.djl.ndarray.NDManager;
import com.oneshotct.model.nn.StateDict;
import com.oneshotct.model.train.TrainedModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot model export}: a checkpoint's weights as an {@code .npz} state dict under the reference's PyTorch
 * keys, the format {@code train --init-weights} (and {@code StateDict.load}) reads and a converted published model
 * comes in.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes a checkpoint's weights as an .npz state dict with the reference's PyTorch keys",
            "(what `train --init-weights` reads; Python: dict(numpy.load(FILE)))."})
public final class ModelExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "Training checkpoint.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "NPZ", description = "State dict to write (.npz).")
    Path out;

    @Override
    public Integer call() {
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " exists; choose another --out");
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            TrainedModel model = TrainedModel.open(checkpoint, manager);
            StateDict.save(model.net(), out);
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "%s: %d arrays of %s at %d px, iteration %d -> %s%n", checkpoint,
                    StateDict.entries(model.net()).size(), model.config().backbone().id(),
                    model.config().imageSize(), model.iteration(), out);
            o.flush();
        }
        return 0;
    }
}
