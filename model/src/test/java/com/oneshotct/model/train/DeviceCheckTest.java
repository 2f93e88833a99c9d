package com.oneshotct.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.GreyImage;
import com.oneshotct.model.infer.OneShotPredictor;
import com.oneshotct.model.nn.Devices;
import com.oneshotct.model.nn.OneShotNet;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model on one device handed a manager of another is refused before any array is made, naming both: the mix that
 * on a GPU worker would otherwise fail deep in a forward pass or copy silently. No GPU is needed to make a manager
 * that claims one (libtorch is only asked when an array is created on it), so this runs on CPU.
 */
class DeviceCheckTest {
    @Test
    void trainerAndPredictorRefuseAManagerOfAnotherDevice(@TempDir Path dir) {
        TrainData data = new TrainData(dir.resolve("data"));
        TrainConfig config = TrainData.tiny().build();
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                NDManager gpu = NDManager.newBaseManager(Device.gpu(0), "PyTorch")) {
            OneShotNet net = PaperTrainer.newNet(config, cpu);
            assertEquals(Device.cpu(), Devices.of(net));
            IllegalArgumentException train = assertThrows(IllegalArgumentException.class,
                    () -> new PaperTrainer(config, net, gpu, data.segmentation, data.classification));
            assertTrue(train.getMessage().contains("the trainer was given a manager on gpu(0) for a model on cpu()"),
                    train.getMessage());
            GreyImage image = data.classification.get(0).load();
            IllegalArgumentException predict = assertThrows(IllegalArgumentException.class,
                    () -> new OneShotPredictor(net).predict(gpu, image));
            assertTrue(predict.getMessage().startsWith("predict was given a manager on gpu(0)"), predict.getMessage());
            // the same manager's device passes
            new PaperTrainer(config, net, cpu, data.segmentation, data.classification);
        }
    }

    /**
     * A checkpoint holds no device: its header says nothing of one, its arrays are plain {@code .npy} bytes, and a
     * load makes every array on the loading trainer's manager. So one written on a GPU worker loads on a CPU one and
     * the other way round; here, one written and loaded on CPU shows both halves.
     */
    @Test
    void checkpointsCarryNoDevice(@TempDir Path dir) throws Exception {
        TrainData data = new TrainData(dir.resolve("data"));
        TrainConfig config = TrainData.tiny().build();
        Path file = dir.resolve("c.ckpt");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Checkpoint.save(new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification), file);
        }
        Checkpoint.Read r = Checkpoint.read(file);
        String header = r.header().toString().toLowerCase(java.util.Locale.ROOT);
        assertTrue(!header.contains("device") && !header.contains("cpu") && !header.contains("cuda"), header);
        for (var e : r.entries().entrySet()) {
            if (e.getKey().endsWith(".npy")) {
                assertEquals("\u0093NUMPY", new String(e.getValue(), 0, 6, java.nio.charset.StandardCharsets.ISO_8859_1),
                        e.getKey());
            }
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            PaperTrainer t = new PaperTrainer(config, PaperTrainer.newNet(config, m), m, data.segmentation,
                    data.classification);
            Checkpoint.load(t, file);
            t.net().getParameters().forEach(p -> assertEquals(m.getDevice(), p.getValue().getArray().getDevice()));
        }
    }

    /** The array check names the array, its shape and both devices (an array that claims a GPU stands in here). */
    @Test
    void anArrayOnAnotherDeviceIsNamed() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray here = m.zeros(new Shape(2));
            Devices.require(Device.cpu(), "step", here);
            NDArray there = (NDArray) Proxy.newProxyInstance(NDArray.class.getClassLoader(),
                    new Class<?>[] {NDArray.class}, (p, method, args) -> switch (method.getName()) {
                        case "getDevice" -> Device.gpu(1);
                        case "getName" -> "roi_box";
                        case "getShape" -> new Shape(1);
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Devices.require(Device.cpu(), "segmentation step", here, there));
            assertEquals("segmentation step: roi_box of shape (1) is on gpu(1), the model on cpu()", e.getMessage());
        }
    }
}
