package com.oneshotct.worker.bench;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident memory (VmHWM) of a Linux process, in MiB; -1 where /proc cannot tell. And the memory in use on a
 * GPU now (total minus free, as cudaMemGetInfo tells it: every process's), in MiB; -1 on the CPU or where CUDA cannot
 * tell.
 */
final class PeakMemory {
    private PeakMemory() {}

    /**
     * Starts this process's high-water mark again from its current RSS (Linux 4.0+: {@code 5} to
     * {@code /proc/self/clear_refs}), so that a configuration's peak is its own, not that of one run before it in
     * the same process; false where the kernel does not allow it.
     */
    static boolean resetSelf() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static double ofSelf() {
        return of(Path.of("/proc/self/status"));
    }

    static double ofPid(long pid) {
        return of(Path.of("/proc/" + pid + "/status"));
    }

    static double ofGpu(Device device) {
        if (!device.isGpu()) {
            return -1;
        }
        try {
            return CudaUtils.getGpuMemory(device).getCommitted() / (1024.0 * 1024.0);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static double of(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
