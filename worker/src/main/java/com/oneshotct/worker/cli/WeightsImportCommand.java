package com.oneshotct.worker.cli;

import ai.djl.ndarray.NDManager;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.StateDict;
import com.oneshotct.model.train.PaperTrainer;
import com.oneshotct.model.weights.ImportReport;
import com.oneshotct.model.weights.WeightImport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot weights import FILE --backbone B --out FILE.npz}: a published weight file (torchvision's ImageNet
 * {@code .pth}, the authors' checkpoint, a safetensors or npz state dict) onto the network as {@code train} builds
 * it for that configuration, written as a whole-network npz state dict that {@code train --init-weights} reads.
 * Prints the load report. The npz appears only when complete (written beside it, then moved).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Reads FILE (torch.save .pth/.pt, .safetensors or .npz, told by content) onto the network",
            "and writes the whole network's state dict to --out (what `train --init-weights` reads).",
            "A torchvision classification file fills backbone.body (fc dropped); the rest keeps the",
            "initialisation `train --seed` gives. Prints what was loaded, ignored and kept."})
public final class WeightsImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Weight file to read.")
    Path file;

    @Option(names = "--backbone", defaultValue = "resnext50_32x4d",
            description = "resnet18, resnet34, resnext50_32x4d, resnext101_32x8d (default ${DEFAULT-VALUE})")
    String backbone;

    @Option(names = "--size", defaultValue = "512", description = "Input side, as `train --size` (default"
            + " ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initialisation of what the file does"
            + " not set, as `train --seed` (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--key", paramLabel = "K", description = {"Where the state dict is in a torch.save file that"
            + " wraps it: a key, or nested keys joined by / (default: found when only one dict of tensors is)."})
    String key;

    @Option(names = "--out", required = true, paramLabel = "NPZ", description = "State dict to write (.npz).")
    Path out;

    @Override
    public Integer call() {
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " exists; choose another --out");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            throw new IllegalArgumentException("--out " + out + ": folder " + parent + " does not exist");
        }
        TrainConfig config = TrainConfig.builder().optBackbone(backbone).optImageSize(size).optSeed(seed).build();
        PrintWriter o = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            OneShotNet net = PaperTrainer.newNet(config, manager);
            ImportReport report = WeightImport.load(net, file, key);
            Path part = null;
            try {
                part = Files.createTempFile(parent, "." + out.getFileName(), ".part");
                StateDict.save(net, part);
                Files.move(part, out, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
            } finally {
                deleteQuietly(part);
            }
            report.lines().forEach(o::println);
            o.printf(Locale.ROOT, "wrote: %s (%d arrays: the whole %s network, seed %d; train --init-weights %s"
                    + " --backbone %s --size %d)%n", out, StateDict.entries(net).size(), config.backbone().id(),
                    seed, out, config.backbone().id(), size);
            o.flush();
        }
        return 0;
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover hidden .part file is harmless; the error that matters is already on its way
        }
    }
}
