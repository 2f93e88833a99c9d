package com.oneshotct.devstack.cli;

/** libtorch's thread counts for this JVM; must precede the engine's first use. */
final class BenchThreads {
    private BenchThreads() {}

    static void set(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("bench: --threads must be >= 1");
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
}
