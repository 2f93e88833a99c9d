package com.oneshotct.model.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.config.ModelConfig;
import org.junit.jupiter.api.Test;

class ApProtocolTest {
    @Test
    void authorsProtocolIs128DetectionsAbove075() {
        assertEquals(128, ApProtocol.AUTHORS.maxDetections());
        assertEquals(0.75, ApProtocol.AUTHORS.scoreThreshold());
        assertEquals("at most 128 detections per image, score > 0.75", ApProtocol.AUTHORS.toString());
        assertEquals("4 det. > 0.75", ApProtocol.DISPLAY.shortLabel());
        assertEquals("16 det. > 0.5", new ApProtocol(16, 0.5).shortLabel());
    }

    @Test
    void displayDefaultIsTheModelConfigs() {
        ModelConfig c = ModelConfig.defaults();
        assertEquals(ApProtocol.DISPLAY, new ApProtocol(c.detectionsPerImage(), c.scoreThresh()));
    }

    @Test
    void overridesReplaceOnlyWhatIsGiven() {
        assertEquals(ApProtocol.AUTHORS, ApProtocol.of(null, null));
        assertEquals(new ApProtocol(4, 0.75), ApProtocol.of(4, null));
        assertEquals(new ApProtocol(128, 0.05), ApProtocol.of(null, 0.05));
    }

    @Test
    void badValuesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ApProtocol(0, 0.75)).getMessage()
                .contains("maxDetections"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ApProtocol(4, 1.0)).getMessage()
                .contains("scoreThreshold"));
        assertThrows(IllegalArgumentException.class, () -> new ApProtocol(4, Double.NaN));
    }
}
