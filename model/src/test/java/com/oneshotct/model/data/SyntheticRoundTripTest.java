package com.oneshotct.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator records what it drew from its own pixels; the readers find instances by 8-connected components of
 * the written masks. The two must agree exactly, item by item.
 */
class SyntheticRoundTripTest {
    @Test
    void readersFindExactlyWhatTheGeneratorDrew(@TempDir Path dir) {
        SyntheticCt.Options options = SyntheticCt.Options.defaults().withSeed(11).withCounts(12, 6, 9, 6);
        SynthResult drawn = new SyntheticCt(options).write(dir, line -> { });
        CtDataset read = CtDataset.open(dir);

        Map<String, SegmentationItem> segByKey = read.segmentation().stream()
                .collect(Collectors.toMap(i -> i.split() + "/" + i.name(), Function.identity()));
        assertEquals(drawn.segmentation().size(), segByKey.size(), "segmentation item count");
        int lesions = 0;
        for (SynthResult.SegItem want : drawn.segmentation()) {
            SegmentationItem got = segByKey.get(want.split() + "/" + want.name());
            assertEquals(want.split() + "/" + want.name(), got.split() + "/" + got.name());
            assertEquals(options.size(), got.width());
            assertEquals(options.size(), got.height());
            assertEquals(sorted(want.instances()), sorted(got.instances()), "instances of " + want.name());
            lesions += (int) want.instances().stream().filter(i -> i.label() > MaskLabel.LUNG.value).count();
        }
        assertFalse(lesions == 0, "the generated segmentation split has lesions to find");

        Map<String, ClassificationItem> clsByKey = read.classification().stream()
                .collect(Collectors.toMap(i -> i.split() + "/" + i.image().getFileName(), Function.identity()));
        assertEquals(drawn.classification().size(), clsByKey.size(), "classification item count");
        for (SynthResult.ClsItem want : drawn.classification()) {
            ClassificationItem got = clsByKey.get(want.split() + "/" + want.fileName());
            assertEquals(want.label(), got.label(), want.fileName());
        }
    }

    private static List<Instance> sorted(List<Instance> instances) {
        return instances.stream().sorted(SynthResult.INSTANCE_ORDER).toList();
    }
}
