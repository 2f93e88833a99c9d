package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.oneshotct.worker.Main;
import com.oneshotct.worker.runtime.EngineReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code engine} says what runs the model; a device the libtorch cannot use is refused, saying why. */
class EngineCommandTest {
    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void reportsTheBundledCpuLibtorch() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, run(out, err, "engine", "--device", "cpu"), err::toString);
        String version = Engine.getEngine("PyTorch").getVersion();
        assertTrue(out.toString().startsWith("libtorch " + version + " (CPU build) on DJL " + Engine.getDjlVersion()
                + "; no GPU\n"), out.toString());
        assertTrue(out.toString().contains("device cpu: cpu() usable"), out.toString());
    }

    @Test
    void aGpuOnTheCpuBuildIsRefusedWithTheWayOut() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, run(out, err, "engine", "--device", "gpu"));
        assertTrue(err.toString().contains("device gpu needs a CUDA build of libtorch")
                && err.toString().contains("worker-cuda") && !err.toString().contains("\tat "), err.toString());
    }

    /** The refusals of a CUDA build, from its report alone (no GPU here to ask). */
    @Test
    void aCudaBuildNamesWhatIsMissing() {
        EngineReport none = new EngineReport("0.36.0", "2.7.1", true, 0, List.of());
        String noDriver = assertThrows(IllegalArgumentException.class, () -> none.device("gpu")).getMessage();
        assertTrue(noDriver.contains("(CUDA build)") && noDriver.contains("driver is missing or too old"), noDriver);
        EngineReport two = new EngineReport("0.36.0", "2.7.1", true, 2,
                List.of("NVIDIA H100, 81559 MiB, driver 570.1", "NVIDIA H100, 81559 MiB, driver 570.1"));
        assertEquals(Device.gpu(0), two.device("gpu"));
        assertEquals(Device.gpu(1), two.device("GPU:1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> two.device("gpu:2")).getMessage()
                .endsWith("There is no GPU 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> two.device("tpu")).getMessage()
                .contains("must be cpu, gpu or gpu:N"));
        assertEquals("libtorch 2.7.1 (CUDA build) on DJL 0.36.0; 2 GPU(s): NVIDIA H100, 81559 MiB, driver 570.1;"
                + " NVIDIA H100, 81559 MiB, driver 570.1", two.line());
    }
}
