package com.oneshotct.worker.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the process runs on: DJL's and libtorch's versions, whether that libtorch was built for CUDA, and the GPUs it
 * sees (with the names and driver {@code nvidia-smi} reports, where it is installed). Every command that trains or
 * runs the model starts from {@link #device}, which refuses a device the libtorch cannot use, saying why.
 *
 * @param djl DJL's version
 * @param libtorch libtorch's version
 * @param cudaBuild whether this libtorch was built with CUDA (DJL's {@code cu128} flavour; the worker jar bundles
 *     the CPU build, the CUDA image another)
 * @param gpus GPUs libtorch sees
 * @param gpuNames {@code nvidia-smi}'s line per GPU (name, memory, driver), empty where it is not installed
 */
public record EngineReport(String djl, String libtorch, boolean cudaBuild, int gpus, List<String> gpuNames) {

    /**
     * Loads the PyTorch engine (offline: the libtorch bundled or in DJL's cache) and asks it.
     *
     * @throws Unavailable when no libtorch loads, saying where it was looked for
     */
    public static EngineReport probe() {
        Engine e;
        try {
            e = Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError ex) {
            Throwable root = ex;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new Unavailable("libtorch does not load (" + ex.getMessage()
                    + (root != ex ? ": " + root.getMessage() : "") + "). The CPU worker jar bundles it; the CUDA"
                    + " jar finds it in DJL's cache (DJL_CACHE_DIR, filled when the worker-cuda image is built) or"
                    + " at PYTORCH_LIBRARY_PATH (with PYTORCH_VERSION and PYTORCH_FLAVOR)", ex);
        }
        boolean cuda = e.hasCapability(StandardCapabilities.CUDA);
        return new EngineReport(Engine.getDjlVersion(), e.getVersion(), cuda, e.getGpuCount(),
                cuda ? nvidiaSmi() : List.of());
    }

    /** One line for a start banner. */
    public String line() {
        String gpu = gpus == 0 ? "no GPU" : gpus + " GPU(s)" + (gpuNames.isEmpty() ? "" : ": "
                + String.join("; ", gpuNames));
        return String.format(Locale.ROOT, "libtorch %s (%s build) on DJL %s; %s", libtorch,
                cudaBuild ? "CUDA" : "CPU", djl, gpu);
    }

    /**
     * The device {@code name} ({@code cpu}, {@code gpu}, {@code gpu:N}) names, if this libtorch can run on it.
     *
     * @throws IllegalArgumentException saying what is missing: a CUDA build of libtorch (the CUDA image), or, for
     *     a CUDA build that sees no GPU, a driver or a GPU reservation
     */
    public Device device(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        if (!n.equals("gpu") && !n.matches("gpu:\\d{1,3}")) {
            throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + name + "'");
        }
        int id = n.equals("gpu") ? 0 : Integer.parseInt(n.substring(4));
        if (!cudaBuild) {
            throw new IllegalArgumentException("device " + name + " needs a CUDA build of libtorch; this process runs "
                    + line() + " (the CPU worker jar). Run the CUDA worker (deploy/Dockerfile, target worker-cuda;"
                    + " docs/operations.md, running on GPU workers)");
        }
        if (id >= gpus) {
            throw new IllegalArgumentException("device " + name + ": " + line() + ". "
                    + (gpus == 0 ? "The NVIDIA driver is missing or too old for CUDA 12.8 (it needs 570 or newer),"
                            + " or the container has no GPU (docker run --gpus, a Kubernetes nvidia.com/gpu limit)"
                            : "There is no GPU " + id));
        }
        return Device.gpu(id);
    }

    /** No libtorch could be loaded: the installation's fault, said in one message. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static List<String> nvidiaSmi() {
        List<String> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total,driver_version",
                    "--format=csv,noheader").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return out;
            }
            if (p.exitValue() == 0) {
                for (String l : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!l.isBlank()) {
                        out.add(l.trim().replaceFirst(", ([^,]+)$", ", driver $1"));
                    }
                }
            }
        } catch (IOException e) {
            // no nvidia-smi: the GPU count from libtorch is all there is to say
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
