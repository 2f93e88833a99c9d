package com.oneshotct.worker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.config.BodyArch;
import com.oneshotct.config.ModelConfig;
import com.oneshotct.model.nn.OneShotNet;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code oneshot model ...}: facts about the network. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = "Facts about the one-shot network.",
        subcommands = {ModelCommand.Summary.class, ModelExportCommand.class})
public class ModelCommand implements Callable<Integer> {
    static final String SCOPE = "whole one-shot model";
    static final String SCOPE_NOTE = "backbone, FPN, RPN head, box and mask heads, the classification branch's s2"
            + " box and mask heads, attention layer and two classifiers (model-spec section 7)";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: model summary [--backbone NAME] [--json]");
    }

    /**
     * {@code model summary [--backbone NAME] [--json]}: parameter counts per part and in total, counted from the
     * parameter shapes (nothing is allocated). JSON keys: {@code scope}, {@code note}, {@code backbone},
     * {@code parts} (each {@code id}, {@code label}, {@code prefixes}, {@code parameters}), {@code total}.
     */
    @Command(
            name = "summary",
            mixinStandardHelpOptions = true,
            description = "Parameter counts per part and in total (running statistics excluded).")
    public static class Summary implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--backbone", paramLabel = "NAME", defaultValue = "resnext50_32x4d",
                description = "resnext50_32x4d (default), resnext101_32x8d, resnet18, resnet34")
        String backbone;

        @Option(names = "--json", description = "print JSON instead of a table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            BodyArch arch = BodyArch.of(backbone);
            OneShotNet net = new OneShotNet(ModelConfig.builder().optBackbone(arch).build());
            List<OneShotNet.Part> parts = net.parts();
            long total = net.parameterCount();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(toJson(arch, parts, total)));
            } else {
                table(arch, parts, total, out);
            }
            out.flush();
            return 0;
        }
    }

    static ObjectNode toJson(BodyArch arch, List<OneShotNet.Part> parts, long total) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("scope", SCOPE);
        root.put("note", SCOPE_NOTE);
        root.put("backbone", arch.id());
        ArrayNode list = root.putArray("parts");
        for (OneShotNet.Part p : parts) {
            ObjectNode o = list.addObject();
            o.put("id", p.id());
            o.put("label", p.label());
            ArrayNode prefixes = o.putArray("prefixes");
            p.prefixes().forEach(prefixes::add);
            o.put("parameters", p.parameters());
        }
        root.put("total", total);
        return root;
    }

    static void table(BodyArch arch, List<OneShotNet.Part> parts, long total, PrintWriter out) {
        out.println("network: " + SCOPE + " (" + SCOPE_NOTE + ")");
        out.println("backbone: " + arch.id());
        String row = "%-36s %12s%n";
        out.printf(row, "part", "parameters");
        for (OneShotNet.Part p : parts) {
            out.printf(row, p.label(), String.format(Locale.ROOT, "%,d", p.parameters()));
        }
        out.printf(row, "total, " + SCOPE, String.format(Locale.ROOT, "%,d", total));
    }
}
