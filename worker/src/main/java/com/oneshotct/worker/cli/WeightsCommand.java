package com.oneshotct.worker.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code oneshot weights ...}: published weights (PyTorch, safetensors, npz files) for the network. */
@Command(
        name = "weights",
        mixinStandardHelpOptions = true,
        description = "Published weights: torchvision's ImageNet files, the authors' checkpoint (docs/weights.md).",
        subcommands = {WeightsImportCommand.class})
public class WeightsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: weights import FILE --backbone B --out"
                + " FILE.npz");
    }
}
