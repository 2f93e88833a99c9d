package com.oneshotct.activities.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.oneshotct.model.nn.BnMode;
import com.oneshotct.model.nn.ModelConfig;
import com.oneshotct.model.train.TrainConfig;
import com.oneshotct.workflows.pipeline.PipelineInput;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The pipeline input restates some of the model's defaults and limits (the workflows module sees no model code):
 * this keeps the two in step.
 */
class InputLimitsTest {
    @Test
    void pipelineInputAgreesWithTheModel() {
        assertEquals(ModelConfig.ANCHOR_SIZES, PipelineInput.ANCHOR_SIZES);
        assertEquals(TrainConfig.MAX_ANCHOR_SIZES, PipelineInput.MAX_ANCHOR_SIZES);
        assertEquals(TrainConfig.MAX_CLS_BATCH, PipelineInput.MAX_CLS_BATCH);
        assertEquals(TrainConfig.MAX_IMAGE_SIZE, PipelineInput.MAX_IMAGE_SIZE);
        assertEquals(Arrays.stream(BnMode.values()).map(Enum::name).toList(), PipelineInput.BN_MODES);
    }
}
