package com.oneshotct.model.nn;

/**
 * Which statistics a {@link BatchNorm2d} normalises with, chosen independently of DJL's {@code training} flag.
 *
 * <p>The reference keeps the backbone's BatchNorm in PyTorch training mode even at inference (model-spec 5, 6):
 * each image is normalised by its own statistics. Reproducing the released weights needs that, so it is the
 * default; {@link #RUNNING_STATS} is the ordinary evaluation behaviour and a deliberate switch.
 */
public enum BnMode {
    /**
     * Normalise with the statistics of the current batch (biased variance). The running statistics are updated
     * (momentum, unbiased variance, as PyTorch) only on a forward with {@code training = true}, so an inference
     * pass never changes the model.
     */
    BATCH_STATS,
    /** Normalise with the running statistics; never update them (PyTorch's eval mode, or a frozen BatchNorm). */
    RUNNING_STATS
}
