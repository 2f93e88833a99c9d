package com.oneshotct.devstack.bench;

import ai.djl.Device;
import com.oneshotct.worker.runtime.WorkerRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The worker {@code bench resume} kills: {@code oneshot worker} (both queues, CPU) with a {@link BeatReporter} on
 * stdout. Arguments: identity, work folder. Prints {@value #STARTED} once it polls.
 */
public final class ResumeWorker {
    public static final String STARTED = "BENCH-WORKER-STARTED";

    private ResumeWorker() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: ResumeWorker IDENTITY WORK_DIR");
            System.exit(2);
        }
        WorkerRuntime rt = WorkerRuntime.start(System.getenv(), new WorkerRuntime.Options("oneshot-cpu",
                "oneshot-gpu", true, true, Path.of(args[1]), Device.cpu(), args[0]),
                List.of(new BeatReporter(System.out)));
        System.out.println(STARTED + " " + args[0] + " " + System.currentTimeMillis());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            rt.close();
            stopped.countDown();
        }, "bench-worker-stop"));
        stopped.await();
    }
}
