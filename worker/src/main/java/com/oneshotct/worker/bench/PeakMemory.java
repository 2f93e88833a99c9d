package com.oneshotct.worker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident memory (VmHWM) of a Linux process, in MiB; -1 where /proc cannot tell. */
final class PeakMemory {
    private PeakMemory() {}

    static double ofSelf() {
        return of(Path.of("/proc/self/status"));
    }

    static double ofPid(long pid) {
        return of(Path.of("/proc/" + pid + "/status"));
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
