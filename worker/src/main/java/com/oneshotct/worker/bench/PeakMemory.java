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
