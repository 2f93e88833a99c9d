package com.oneshotct.model.nn;

import ai.djl.engine.Engine;
import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps libtorch from asking NNPACK, on machines where NNPACK cannot run, whether it can run.
 *
 * <p>Before a CPU convolution without gradients libtorch checks {@code at::_nnpack_available()}, and where NNPACK
 * does not initialise (a CPU whose cache topology the hypervisor hides, as on small cloud VMs) that check logs
 * {@code Could not initialize NNPACK! Reason: Unsupported hardware.} each time: thousands of lines in one demo. The
 * check comes after PyTorch's own switch, {@code at::Context::setUserEnabledNNPACK}
 * ({@code torch.backends.nnpack.set_flags(False)} in Python), which DJL's JNI does not expose; libtorch exports it,
 * so it is called here through JNA. The switch is turned off only where {@code nnp_initialize()} (libtorch's copy of
 * NNPACK; it initialises once and logs nothing) fails: there libtorch would never use NNPACK anyway, so no result
 * changes, and where NNPACK works nothing is touched. Every other libtorch warning stays.
 *
 * <p>{@link #quietWhereUnavailable()} runs once per process, from {@link Conv}'s class initialisation (the network's
 * only convolution), so every process that builds a network has it. Where the symbols cannot be reached (another OS, a
 * libtorch without them) nothing happens.
 */
public final class Nnpack {
    /** {@code nnp_status_success}. */
    static final int SUCCESS = 0;
    private static final String LIBRARY = "libtorch_cpu.so";
    /** dlopen's {@code RTLD_LAZY | RTLD_NOLOAD} on Linux: the copy the engine loaded, never a second one. */
    private static final int LOADED_ONLY = 0x1 | 0x4;
    private static Optional<NativeLibrary> torch;
    private static boolean applied;

    private Nnpack() {}

    /**
     * Turns libtorch's NNPACK switch off if NNPACK cannot initialise on this machine (loading the PyTorch engine
     * first); once per process. Returns whether the switch is off afterwards.
     */
    public static synchronized boolean quietWhereUnavailable() {
        if (!applied) {
            applied = true;
            try {
                Engine.getEngine("PyTorch");
                if (torch().isPresent()) {
                    apply(initStatus());
                }
            } catch (RuntimeException | LinkageError e) {
                // no libtorch, or not these symbols: libtorch runs as it would without this class
            }
        }
        try {
            return torch().isPresent() && !userEnabled();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** One line for {@code oneshot engine}: whether NNPACK works here, and if not, that it was switched off. */
    public static synchronized String describe() {
        boolean off = quietWhereUnavailable();
        if (!torch().isPresent()) {
            return "NNPACK: not reachable from Java here (libtorch's symbols through JNA); left as libtorch sets it";
        }
        int status = initStatus();
        if (status == SUCCESS) {
            return "NNPACK: available" + (off ? ", switched off" : "");
        }
        return "NNPACK: unavailable on this CPU (nnp_initialize status " + status + "), " + (off ? "switched off so"
                + " that libtorch does not log it at every convolution" : "still on: libtorch logs it at every"
                + " convolution");
    }

    /** Switches NNPACK off unless {@code status}, an {@code nnp_initialize()} result, says it works. */
    static void apply(int status) {
        if (status != SUCCESS) {
            setUserEnabled(false);
        }
    }

    /**
     * {@code nnp_initialize()}: 0 where NNPACK works here, else its failure (51 unsupported hardware, ...). The
     * symbol is resolved as libtorch's own call to it is: the process's global symbols first (an LD_PRELOAD), else
     * libtorch's copy.
     */
    static int initStatus() {
        Function f;
        try {
            f = NativeLibrary.getProcess().getFunction("nnp_initialize");
        } catch (UnsatisfiedLinkError e) {
            f = function("nnp_initialize");
        }
        return f.invokeInt(new Object[0]);
    }

    /** {@code at::globalContext().userEnabledNNPACK()}. */
    static boolean userEnabled() {
        return (function("_ZNK2at7Context17userEnabledNNPACKEv").invokeInt(new Object[] {context()}) & 0xff) != 0;
    }

    /** {@code at::globalContext().setUserEnabledNNPACK(on)}. */
    static void setUserEnabled(boolean on) {
        function("_ZN2at7Context20setUserEnabledNNPACKEb").invokeVoid(new Object[] {context(), on});
    }

    /** Whether this process reaches libtorch's NNPACK symbols at all (the engine loaded, Linux, JNA). */
    static synchronized boolean reachable() {
        try {
            Engine.getEngine("PyTorch");
            return torch().isPresent();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static Pointer context() {
        return function("_ZN2at13globalContextEv").invokePointer(new Object[0]);
    }

    private static Function function(String symbol) {
        return torch().orElseThrow(() -> new IllegalStateException("libtorch is not loaded")).getFunction(symbol);
    }

    /** The libtorch the engine loaded, found in this process's memory map, or empty. */
    private static synchronized Optional<NativeLibrary> torch() {
        if (torch == null) {
            torch = Optional.empty();
            Path maps = Path.of("/proc/self/maps");
            if (Files.isReadable(maps)) {
                try {
                    Optional<String> file = Files.readAllLines(maps).stream()
                            .map(l -> l.indexOf('/') < 0 ? "" : l.substring(l.indexOf('/')))
                            .filter(f -> f.endsWith("/" + LIBRARY)).findFirst();
                    if (file.isPresent()) {
                        torch = Optional.of(NativeLibrary.getInstance(file.get(),
                                Map.of(Library.OPTION_OPEN_FLAGS, LOADED_ONLY)));
                        torch.get().getFunction("_ZN2at7Context20setUserEnabledNNPACKEb");
                        torch.get().getFunction("nnp_initialize");
                    }
                } catch (IOException | RuntimeException | LinkageError e) {
                    torch = Optional.empty();
                }
            }
        }
        return torch;
    }
}
