package com.oneshotct.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import com.oneshotct.config.ModelConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The reference's s2 weight policy: the s2 heads become copies of the segmentation heads, conv_reduce stays. */
class S2WeightsTest {

    @Test
    void copyMakesS2HeadsComputeAsTheSegmentationHeads() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            RoiHeads heads = new RoiHeads(ModelConfig.defaults());
            heads.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            m.getEngine().setRandomSeed(7);
            NDArray pooled7 = m.randomNormal(new Shape(3, 256, 7, 7));
            NDArray pooled14 = m.randomNormal(new Shape(2, 256, 14, 14));
            float[] reduce = heads.maskPredictorS2().convReduce().getParameters().get("weight").getArray()
                    .toFloatArray();
            assertFalse(Arrays.equals(heads.box(ps, pooled7, false).get(1).toFloatArray(),
                    heads.boxS2(ps, pooled7, false).get(1).toFloatArray()), "independent init before the copy");

            heads.copySegmentationHeadsToS2();

            NDList seg = heads.box(ps, pooled7, false);
            NDList s2 = heads.boxS2(ps, pooled7, false);
            assertArrayEquals(seg.get(0).toFloatArray(), s2.get(0).toFloatArray());
            assertArrayEquals(seg.get(1).toFloatArray(), s2.get(1).toFloatArray());
            // the segmentation path up to conv_mask (no ReLU), then the s2 branch's own conv_reduce + ReLU
            NDArray up = heads.maskPredictor().convMask().apply(ps, heads.maskHead().apply(ps, pooled14, false),
                    false);
            NDArray expected = Activation.relu(heads.maskPredictorS2().convReduce().apply(ps, up, false));
            assertArrayEquals(expected.toFloatArray(), heads.maskFeaturesS2(ps, pooled14, false).toFloatArray());
            assertArrayEquals(reduce, heads.maskPredictorS2().convReduce().getParameters().get("weight").getArray()
                    .toFloatArray(), "conv_reduce keeps its values");
        }
    }

    /** The copy is of values: training the segmentation head afterwards leaves the s2 head as it was. */
    @Test
    void copyIsNotSharing() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            RoiHeads heads = new RoiHeads(ModelConfig.defaults());
            heads.initialize(m);
            heads.copySegmentationHeadsToS2();
            NDArray seg = heads.boxPredictor().getChildren().get(0).getValue().getParameters().get("bias").getArray();
            NDArray s2 = heads.boxPredictorS2().getChildren().get(0).getValue().getParameters().get("bias")
                    .getArray();
            float[] before = s2.toFloatArray();
            seg.addi(1f);
            assertArrayEquals(before, s2.toFloatArray());
        }
    }

    @Test
    void defaultPolicyIsTheReferenceCopy() {
        assertEquals(S2Weights.COPY, new OneShotNet(ModelConfig.defaults()).s2Weights());
        assertEquals(S2Weights.OWN, new OneShotNet(ModelConfig.defaults(), S2Weights.OWN).s2Weights());
        assertThrows(IllegalArgumentException.class, () -> new OneShotNet(ModelConfig.defaults(), null));
    }

    @Test
    void copyNeedsAnInitialisedModel() {
        assertThrows(IllegalStateException.class,
                () -> new RoiHeads(ModelConfig.defaults()).copySegmentationHeadsToS2());
    }
}
