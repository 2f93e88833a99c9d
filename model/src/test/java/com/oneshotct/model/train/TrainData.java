package com.oneshotct.model.train;

import ai.djl.ndarray.NDArray;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.ClassificationItem;
import com.oneshotct.model.data.ClassificationReader;
import com.oneshotct.model.data.SegmentationItem;
import com.oneshotct.model.data.SegmentationReader;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.nn.OneShotNet;
import com.oneshotct.model.nn.StateDict;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A tiny synthetic training set (64 px) and helpers to compare network states bit for bit. */
final class TrainData {
    static final int SIZE = 64;

    final List<SegmentationItem> segmentation;
    final List<ClassificationItem> classification;

    TrainData(Path dir) {
        new SyntheticCt(SyntheticCt.Options.defaults().withSeed(5).withSize(SIZE).withCounts(3, 1, 3, 1))
                .write(dir, line -> { });
        segmentation = SegmentationReader.read(dir.resolve("segmentation")).stream()
                .filter(i -> i.split().equals("train")).toList();
        classification = ClassificationReader.read(dir.resolve("classification")).stream()
                .filter(i -> i.split().equals("train")).toList();
    }

    static TrainConfig.Builder tiny() {
        return TrainConfig.builder().optBackbone("resnet18").optImageSize(SIZE).optSeed(3).optLr(1e-3);
    }

    /** Every state-dict entry's raw bytes by key. */
    static Map<String, byte[]> snapshot(OneShotNet net) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (StateDict.Entry e : StateDict.entries(net)) {
            out.put(e.key(), bytes(e.parameter().getArray()));
        }
        return out;
    }

    static byte[] bytes(NDArray a) {
        java.nio.ByteBuffer b = a.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private TrainData() {
        throw new AssertionError();
    }
}
