package com.oneshotct.activities.evaluate;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.oneshotct.activities.Failures;
import com.oneshotct.activities.train.CorruptCheckpointException;
import com.oneshotct.activities.train.RunFiles;
import com.oneshotct.db.Checkpoint;
import com.oneshotct.db.EvaluationScores;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.activities.registry.AttemptLog;
import com.oneshotct.db.Registry;
import com.oneshotct.db.Stage;
import com.oneshotct.model.data.CtDataset;
import com.oneshotct.model.data.DataException;
import com.oneshotct.model.infer.ApProtocol;
import com.oneshotct.model.infer.Evaluation;
import com.oneshotct.model.infer.Evaluator;
import com.oneshotct.model.train.TrainedModel;
import com.oneshotct.workflows.contract.EvaluateRequest;
import com.oneshotct.workflows.contract.EvaluateResult;
import com.oneshotct.workflows.contract.EvaluationActivities;
import com.oneshotct.workflows.contract.CheckpointRef;
import com.oneshotct.workflows.contract.ValidateRequest;
import com.oneshotct.workflows.contract.ValidateResult;
import com.oneshotct.model.data.ValidationSet;
import io.temporal.activity.Activity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Stage "evaluate": loads the checkpoint the workflow names (verified against the registry's SHA-256), scores it on
 * each requested split of the run's dataset with the model's own detection settings, and records one evaluation row
 * per split (a retry finds the rows already there). Stage "validate" does the same for one checkpoint on the
 * validation images while the run trains. Both heartbeat the number of images done.
 *
 * <p>Slices go through the model {@code batch} at a time: {@value #BATCH_ENV} in the environment, else
 * {@link Evaluator#SCORING_BATCH}. The scores do not depend on it; speed and memory do.
 */
public final class EvaluationActivitiesImpl implements EvaluationActivities {
    private final RunFiles files;
    private final Registry registry;
    private final Device device;
    private final AttemptLog log;
    private final int batch;

    /** The environment variable naming the scoring batch. */
    public static final String BATCH_ENV = "ONESHOT_SCORE_BATCH";

    /** @param log records each attempt in the registry */
    public EvaluationActivitiesImpl(RunFiles files, Registry registry, AttemptLog log, Device device) {
        this(files, registry, log, device, scoreBatch(System.getenv(BATCH_ENV)));
    }

    /** @param batch slices per forward pass, at least 1 */
    public EvaluationActivitiesImpl(RunFiles files, Registry registry, AttemptLog log, Device device, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("scoring batch must be at least 1, got " + batch);
        }
        this.files = files;
        this.registry = registry;
        this.log = log;
        this.device = device;
        this.batch = batch;
    }

    /** The scoring batch a value of {@value #BATCH_ENV} names; unset or blank is the default. */
    static int scoreBatch(String value) {
        if (value == null || value.isBlank()) {
            return Evaluator.SCORING_BATCH;
        }
        try {
            int b = Integer.parseInt(value.trim());
            if (b >= 1) {
                return b;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(BATCH_ENV + " must be a whole number >= 1, got '" + value + "'");
    }

    @Override
    public EvaluateResult evaluate(EvaluateRequest request) {
        var ctx = Activity.getExecutionContext();
        return log.run(Stage.EVALUATE, () -> evaluate(request, ctx::heartbeat));
    }

    @Override
    public ValidateResult validate(ValidateRequest request) {
        var ctx = Activity.getExecutionContext();
        return log.run(Stage.VALIDATE, () -> validate(request, ctx::heartbeat));
    }

    /** The activity without Temporal; {@code heartbeat} hears images done. */
    public EvaluateResult evaluate(EvaluateRequest request, IntConsumer heartbeat) {
        Checkpoint row = checkpointOf(request.workflowId(), request.checkpoint());
        CtDataset data = CtDataset.open(files.dataset(request.dataset(), request.datasetId()).root());
        Map<String, Long> ids = new LinkedHashMap<>();
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Evaluator evaluator = evaluator(row, manager, request.backbone(), request.imageSize());
            int[] before = {0};
            for (String split : request.splits()) {
                Evaluation e;
                EvaluationScores scores;
                try {
                    e = evaluator.evaluate(manager, data, split, (done, total) -> heartbeat.accept(before[0] + done));
                    scores = Scores.of(e);
                } catch (IllegalArgumentException ex) {
                    throw Failures.badData(ex.getMessage());
                }
                before[0] += e.predictions().size() + e.imageNames().size();
                ids.put(split, registry.evaluations().record(row.id(), scores).id());
                metrics.put(split, Scores.headline(scores));
            }
        }
        return new EvaluateResult(request.checkpoint(), ids, metrics);
    }

    /**
     * Scores a checkpoint on the run's validation images ({@link ValidationSet}: the validation split, or a
     * deterministic slice of the training split) and records it as an evaluation on split {@code val}, with which
     * images it took; a retry finds the row already there.
     */
    public ValidateResult validate(ValidateRequest request, IntConsumer heartbeat) {
        long started = System.nanoTime();
        Checkpoint row = checkpointOf(request.workflowId(), request.checkpoint());
        CtDataset data = CtDataset.open(files.dataset(request.dataset(), request.datasetId()).root());
        ValidationSet set;
        try {
            set = ValidationSet.of(data, request.split(), request.maxImages());
        } catch (IllegalArgumentException e) {
            throw Failures.badData(e.getMessage());
        }
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Evaluator evaluator = evaluator(row, manager, request.backbone(), request.imageSize());
            EvaluationScores scores;
            try {
                scores = Scores.of(evaluator.evaluate(manager, set, ValidationSet.VAL,
                        (done, total) -> heartbeat.accept(done)));
            } catch (IllegalArgumentException e) {
                // e.g. validation images of one task only: the registry's row holds both halves
                throw Failures.badData(e.getMessage());
            }
            long id = registry.evaluations().record(row.id(), scores, set.imagesFrom()).id();
            return new ValidateResult(request.checkpoint(), id, Scores.headline(scores), set.imagesFrom(),
                    set.segmentation().size(), set.classification().size(), (System.nanoTime() - started) / 1e9);
        }
    }

    private Checkpoint checkpointOf(String workflowId, CheckpointRef ref) {
        Checkpoint row;
        try {
            row = registry.training().checkpoint(ref.id());
        } catch (NotFoundException e) {
            throw Failures.notFound(e.getMessage());
        }
        if (!row.workflowId().equals(workflowId)) {
            throw Failures.badConfig("checkpoint " + row.id() + " belongs to run '" + row.workflowId() + "', not '"
                    + workflowId + "'");
        }
        return row;
    }

    /** The checkpoint's model, checked against what the run asks for, with the paper's AP protocol. */
    private Evaluator evaluator(Checkpoint row, NDManager manager, String backbone, int imageSize) {
        TrainedModel model;
        try {
            model = TrainedModel.open(files.checkpoint(row), manager);
        } catch (CorruptCheckpointException | DataException e) {
            throw Failures.badData(e.getMessage());
        }
        if (!model.config().backbone().id().equals(backbone) || model.config().imageSize() != imageSize) {
            throw Failures.foreignCheckpoint("checkpoint " + row.objectKey() + " holds "
                    + model.config().backbone().id() + " at " + model.config().imageSize() + " px, the run asks for "
                    + backbone + " at " + imageSize + " px");
        }
        return Evaluator.of(model.net(), ApProtocol.AUTHORS, null, batch);
    }
}
