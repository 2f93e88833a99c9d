package com.oneshotct.worker.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JVM of its own running a class of this JVM's class path (the shaded jar under {@code ./oneshot}, the test class
 * path under Maven): a worker that a benchmark or a test can kill with SIGKILL. Its stdout and stderr go to one
 * file, or to the caller as a pipe when no file is given.
 */
public final class WorkerProcess {

    private WorkerProcess() {
    }

    /**
     * Starts {@code java <jvmArgs> -cp <this class path> <mainClass> <args>} with {@code env} added to this process's
     * environment.
     *
     * @param output the file for stdout and stderr together; null to read them from {@link Process#getInputStream()}
     */
    public static Process start(String mainClass, List<String> args, Map<String, String> env, List<String> jvmArgs,
            Path output) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dai.djl.offline=true");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (output != null) {
            pb.redirectOutput(output.toFile());
        }
        pb.environment().putAll(env);
        if (!pb.environment().containsKey("ONEDNN_MAX_CPU_ISA")
                && !Files.isDirectory(Path.of("/sys/devices/system/cpu/cpu0/cache"))) {
            // as ./oneshot does: libtorch's oneDNN divides by zero where the CPU's cache topology is hidden
            pb.environment().put("ONEDNN_MAX_CPU_ISA", "AVX");
        }
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker JVM (" + mainClass + "): " + e.getMessage(), e);
        }
    }

    /** {@code oneshot worker --identity <identity> --work-dir <work>} in its own JVM. */
    public static Process worker(String identity, Path work, Map<String, String> env, List<String> jvmArgs,
            Path output) {
        return start("com.oneshotct.worker.Main", List.of("worker", "--identity", identity, "--work-dir",
                work.toString()), env, jvmArgs, output);
    }
}
