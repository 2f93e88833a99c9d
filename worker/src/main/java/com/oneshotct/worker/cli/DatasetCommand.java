package com.oneshotct.worker.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.ClassificationReader;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.ImageClass;
import com.oneshotct.model.data.Instance;
import com.oneshotct.model.data.MaskLabel;
import com.oneshotct.model.data.SegmentationItem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code oneshot dataset ...}: jobs on a CT dataset folder. */
@Command(
        name = "dataset",
        mixinStandardHelpOptions = true,
        description = "Work with a CT dataset folder (segmentation/ and classification/).",
        subcommands = {DatasetCommand.Inspect.class, DatasetPushCommand.class, DatasetVersionsCommand.ListVersions.class,
            DatasetVersionsCommand.Show.class, DatasetVersionsCommand.Remove.class})
public class DatasetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: dataset inspect|push|list|show|remove");
    }

    /** {@code dataset inspect DIR [--json]}: reads and checks a dataset and lists what it holds. */
    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description = "Read a dataset, check every image and mask, and list its items"
                    + " (summary, or everything with --json).")
    public static class Inspect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "dataset root")
        Path dir;

        @Option(names = "--json", description = "print every item as JSON")
        boolean json;

        @Option(names = "--no-verify",
                description = "do not decode classification images (segmentation files are always checked)")
        boolean noVerify;

        @Override
        public Integer call() throws JsonProcessingException {
            CtDataset ds = CtDataset.open(dir);
            if (!noVerify) {
                ClassificationReader.verify(ds.classification());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(toJson(ds)));
            } else {
                summary(ds, out);
            }
            out.flush();
            return 0;
        }
    }

    /** The {@code --json} form: every item, splits sorted, items in list or name order. */
    static ObjectNode toJson(CtDataset ds) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode seg = root.putArray("segmentation");
        for (SegmentationItem item : ds.segmentation()) {
            ObjectNode n = seg.addObject();
            n.put("split", item.split());
            n.put("image", item.image().getFileName().toString());
            n.put("width", item.width());
            n.put("height", item.height());
            ArrayNode instances = n.putArray("instances");
            for (Instance inst : item.instances()) {
                ObjectNode i = instances.addObject();
                i.put("label", inst.label());
                ArrayNode box = i.putArray("box");
                for (int v : inst.box().toArray()) {
                    box.add(v);
                }
                i.put("area", inst.area());
            }
        }
        ArrayNode cls = root.putArray("classification");
        for (ClassificationItem item : ds.classification()) {
            ObjectNode n = cls.addObject();
            n.put("split", item.split());
            n.put("image", item.image().getFileName().toString());
            n.put("label", item.label().index);
        }
        return root;
    }

    static void summary(CtDataset ds, PrintWriter out) {
        out.println("dataset " + ds.root());
        Map<String, int[]> segImages = new LinkedHashMap<>();
        Map<String, int[]> segLabels = new LinkedHashMap<>();
        for (SegmentationItem item : ds.segmentation()) {
            segImages.computeIfAbsent(item.split(), k -> new int[1])[0]++;
            int[] labels = segLabels.computeIfAbsent(item.split(), k -> new int[MaskLabel.values().length]);
            for (Instance inst : item.instances()) {
                labels[inst.label()]++;
            }
        }
        out.println("segmentation: " + ds.segmentation().size() + " images in " + segImages.size() + " splits");
        for (Map.Entry<String, int[]> e : segImages.entrySet()) {
            int[] l = segLabels.get(e.getKey());
            out.printf("  %s: %d images, %d instances (lung %d, GGO %d, consolidation %d)%n", e.getKey(),
                    e.getValue()[0], l[1] + l[2] + l[3], l[1], l[2], l[3]);
        }
        Map<String, int[]> clsCounts = new LinkedHashMap<>();
        for (ClassificationItem item : ds.classification()) {
            clsCounts.computeIfAbsent(item.split(), k -> new int[ImageClass.values().length])[item.label().index]++;
        }
        out.println("classification: " + ds.classification().size() + " images in " + clsCounts.size() + " splits");
        for (Map.Entry<String, int[]> e : clsCounts.entrySet()) {
            int[] c = e.getValue();
            out.printf("  %s: %d images (Normal %d, CP %d, COVID-19 %d)%n", e.getKey(), c[0] + c[1] + c[2], c[0], c[1],
                    c[2]);
        }
    }
}
