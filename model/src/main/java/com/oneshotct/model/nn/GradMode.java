package com.oneshotct.model.nn;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's grad mode is per thread and starts enabled on every new thread; DJL turns it off only on the thread
 * that loaded the engine. On any other thread (a Temporal activity executor, say) an in-place update of a parameter
 * then fails ("a leaf Variable that requires grad is being used in an in-place operation") and inference records
 * autograd graphs. Entry points that may run on a fresh thread call {@link #offOnThisThread()} first; gradient
 * collectors turn it on for their own scope and restore it.
 */
public final class GradMode {
    private GradMode() {}

    public static void offOnThisThread() {
        JniUtils.setGradMode(false);
    }
}
