package com.oneshotct.devstack.demo;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.oneshotct.activities.evaluate.Scores;
import com.oneshotct.config.TrainConfig;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.infer.ApProtocol;
import com.oneshotct.model.infer.Evaluator;
import com.oneshotct.model.train.PaperTrainer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The scores of a run's model before its first iteration: the network its configuration's seed initialises (what
 * the training activity starts from), evaluated on the same split under the same protocol as the trained one, so a
 * demo can show what training changed rather than numbers with nothing to compare them to.
 */
public final class Untrained {
    private Untrained() {}

    public static Map<String, Double> scores(TrainConfig config, Path dataset, String split) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            var net = PaperTrainer.newNet(config, m);
            var e = Evaluator.of(net, ApProtocol.AUTHORS, null).evaluate(m, CtDataset.open(dataset), split,
                    (done, total) -> { });
            return Scores.headline(Scores.of(e));
        }
    }
}
