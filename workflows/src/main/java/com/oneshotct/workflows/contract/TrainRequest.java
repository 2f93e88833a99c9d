package com.oneshotct.workflows.contract;

/**
 * Train (or resume training of) the run's model.
 *
 * @param workflowId the run
 * @param dataset dataset name; the activity makes sure its own cache holds it (it may run on another host)
 * @param datasetId the manifest SHA-256 the fetch stage verified
 * @param backbone backbone id
 * @param imageSize side of the square input
 * @param iterations paper iterations of the whole run (not of this attempt)
 * @param checkpointInterval iterations between checkpoints
 * @param seed the run's seed
 * @param lr Adam learning rate
 * @param device {@code cpu} or {@code gpu} / {@code gpu:N}
 * @param segWarmup the first this many iterations run the segmentation step only (absent in older requests: 0)
 * @param clsBatch images per classification step (absent in older requests: 0, read as 1)
 * @param bnMode BatchNorm statistics by name (absent in older requests: null, read as BATCH_STATS)
 * @param lrDecay cosine learning-rate decay over this many iterations (absent in older requests: 0, constant)
 * @param headLrScale the FPN's and classification head's share of the rate (absent in older requests: 0, read as 1)
 * @param pretrain iterations of body pre-training before the paper's (absent in older requests: 0, none)
 * @param bodyLrScale the body's share of the rate after the pre-training (absent in older requests: 0, read as 1)
 * @param anchorSizes the RPN's anchor sizes in pixels (absent in older requests: null, the reference's)
 * @param train the whole training configuration in {@code TrainConfigJson}'s form, which the activity trains with
 *     (absent in older requests: null, and the fields above describe it); the fields above repeat part of it for
 *     the requests of workers that predate it, and no new setting joins them
 */
public record TrainRequest(String workflowId, String dataset, String datasetId, String backbone, int imageSize,
        int iterations, int checkpointInterval, long seed, double lr, String device, int segWarmup,
        int clsBatch, String bnMode, int lrDecay, double headLrScale, int pretrain, double bodyLrScale,
        java.util.List<Integer> anchorSizes, com.fasterxml.jackson.databind.JsonNode train) {}
