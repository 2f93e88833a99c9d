package com.oneshotct.config;

/**
 * Which statistics a {@code BatchNorm2d} normalises with, chosen independently of DJL's {@code training} flag.
 *
 * <p>The reference keeps the backbone's BatchNorm in PyTorch training mode even at inference (model-spec 5, 6):
 * each image is normalised by its own statistics. Reproducing the released weights needs that, so it is the
 * default; {@link #RUNNING_STATS} is the ordinary evaluation behaviour and a deliberate switch.
 */
public enum BnMode {
    /**
     * Normalise with the statistics of the current batch (biased variance). The running statistics are updated
     * (momentum, unbiased variance, as PyTorch) only on a forward with {@code training = true}, so an inference
     * pass never changes the model. At inference the batch statistics are each input's own (one image's in the
     * backbone, one image's RoIs in the attention layer), as if it ran alone: a batch of slices infers as its
     * slices one at a time.
     */
    BATCH_STATS,
    /** Normalise with the running statistics; never update them (PyTorch's eval mode, or a frozen BatchNorm). */
    RUNNING_STATS,
    /**
     * PyTorch's ordinary train/eval switch: with {@code training = true}, normalise with the batch's statistics and
     * update the running ones; otherwise normalise with the running statistics. For training from random weights
     * with several images per classification step ({@code TrainConfig.clsBatch}): the statistics of one image
     * (batch statistics at batch 1) erase every image-level mean at every layer, and neither this network nor a
     * plain PyTorch ResNet18 then learns the synthetic classes (docs/learning.md).
     */
    TRAIN_BATCH_EVAL_RUNNING
}
