package com.oneshotct.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.worker.Main;
import com.oneshotct.worker.bench.TorchReference;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The bench's input checks and its reference fallbacks; the figures themselves are never asserted. */
class BenchCommandTest {

    @Test
    void unknownConfigIsBadUsage() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("bench", "segstep", "--configs", "huge", "--no-reference");
        assertEquals(2, code);
        assertTrue(err.toString().contains("unknown config 'huge'"), err.toString());
    }

    @Test
    void badCountsAreBadUsage() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("bench", "segstep", "--iters", "0"));
        assertTrue(err.toString().contains("--iters"), err.toString());
    }

    @Test
    void scoringChecksItsInputBeforeRunning() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("bench", "scoring", "--batches", "1,0"));
        assertTrue(err.toString().contains("--batches"), err.toString());
        assertEquals(2, cli.execute("bench", "scoring", "--configs", "small,huge"));
        assertTrue(err.toString().contains("unknown config 'huge'"), err.toString());
    }

    @Test
    void referenceIsSkippedWithAReasonWhenItCannotRun(@org.junit.jupiter.api.io.TempDir Path dir) {
        TorchReference.Result noScript = TorchReference.run(Path.of("/usr/bin/python3"), dir.resolve("missing.py"), 2,
                0, 1, line -> { });
        assertFalse(noScript.ran());
        assertTrue(noScript.skipped().contains("missing.py"), noScript.skipped());
        TorchReference.Result noPython = TorchReference.run(dir.resolve("no-python"), Path.of("pom.xml"), 2, 0, 1,
                line -> { });
        assertFalse(noPython.ran());
        assertTrue(noPython.skipped().contains("no-python"), noPython.skipped());
    }
}
