package com.oneshotct.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oneshotct.config.ConfigException;
import com.oneshotct.model.data.SyntheticCt;
import com.oneshotct.model.train.ForeignCheckpointException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every bad-input error of the command line is one {@code error:} line naming the problem (a parameter error adds
 * where help is), exit code 2, and no stack trace; {@code --debug} brings the trace back. The cases run the real
 * commands on a small synthetic dataset; the exceptions no quick command throws are handed to the handler directly.
 */
class ErrorExitTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path notes;
    static Path ckpt;

    @BeforeAll
    static void dataset() throws Exception {
        data = dir.resolve("data");
        new SyntheticCt(SyntheticCt.Options.defaults().withSize(64).withCounts(2, 1, 3, 3)).write(data, l -> { });
        notes = Files.writeString(dir.resolve("notes.txt"), "hello, not weights\n");
        ckpt = dir.resolve("zero.ckpt");
        Result made = run("train", "--data", data.toString(), "--out", ckpt.toString(), "--size", "64",
                "--backbone", "resnet18", "--iterations", "0");
        assertEquals(0, made.code, made.err);
    }

    record Result(int code, String err) {
        List<String> lines() {
            return err.lines().toList();
        }
    }

    static Result run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, err.toString());
    }

    static Stream<Arguments> badInput() {
        String slice = data.resolve("classification/train").toFile().listFiles()[0].toString();
        String d = data.toString();
        return Stream.of(
                Arguments.of("missing --data folder", args("train", "--data", dir.resolve("nowhere"), "--out",
                        dir.resolve("a.ckpt")), "nowhere: dataset folder missing"),
                Arguments.of("a file for a folder", args("train", "--data", notes, "--out", dir.resolve("a.ckpt")),
                        "notes.txt: dataset folder missing"),
                Arguments.of("--out under a file", args("train", "--data", d, "--out", notes.resolve("a.ckpt")),
                        "notes.txt is a file, not a folder"),
                Arguments.of("a non-checkpoint to evaluate", args("evaluate", "--checkpoint", notes, "--data", d),
                        "notes.txt: corrupt or truncated checkpoint"),
                Arguments.of("a folder to evaluate", args("evaluate", "--checkpoint", dir, "--data", d),
                        dir + ": checkpoint unreadable"),
                Arguments.of("a non-checkpoint to predict", args("predict", "--checkpoint", notes, slice),
                        "notes.txt: corrupt or truncated checkpoint"),
                Arguments.of("a non-image to predict", args("predict", "--checkpoint", ckpt, notes),
                        "notes.txt: not an image"),
                Arguments.of("a non-checkpoint to model export", args("model", "export", "--checkpoint", notes,
                        "--out", dir.resolve("x.npz")), "notes.txt: corrupt or truncated checkpoint"),
                Arguments.of("a bad --device", args("train", "--data", d, "--out", dir.resolve("b.ckpt"),
                        "--device", "banana"), "device must be cpu, gpu or gpu:N, got 'banana'"),
                Arguments.of("a GPU on the CPU build", args("engine", "--device", "gpu:1"),
                        "device gpu:1 needs a CUDA build of libtorch"),
                Arguments.of("a bad training setting", args("train", "--data", d, "--out", dir.resolve("c.ckpt"),
                        "--size", "65"), "--size must be a multiple of 32"),
                Arguments.of("other settings on resume", args("train", "--data", d, "--out", ckpt, "--size", "64",
                        "--backbone", "resnet18", "--iterations", "1", "--lr", "0.5", "--resume"),
                        "zero.ckpt: checkpoint of another training configuration"),
                Arguments.of("no weights file", args("train", "--data", d, "--out", dir.resolve("e.ckpt"),
                        "--size", "64", "--backbone", "resnet18", "--iterations", "0", "--init-weights", notes),
                        "notes.txt: neither a PyTorch checkpoint"),
                Arguments.of("an unreadable csv", args("metrics", "--classification", dir), dir.toString()),
                Arguments.of("an unknown option", args("train", "--data", d, "--out", "x", "--bogus"), "Unknown option: '--bogus'"),
                Arguments.of("a missing option", args("train", "--data", d), "Missing required option: '--out=FILE'"),
                Arguments.of("a bad number", args("train", "--data", d, "--out", "x", "--size", "big"),
                        "Invalid value for option '--size': 'big' is not an int"),
                Arguments.of("an unknown command", args("tran"), "Unmatched argument at index 0: 'tran'"));
    }

    private static String[] args(Object... a) {
        return Stream.of(a).map(String::valueOf).toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputIsOneLineAndExitTwo(String what, String[] args, String names) {
        Result r = run(args);
        assertEquals(2, r.code, what + ": " + r.err);
        assertFalse(r.err.contains("\tat "), what + ": no stack trace\n" + r.err);
        assertTrue(r.lines().get(0).startsWith("error: ") && r.lines().get(0).contains(names),
                what + ": the first line names the problem\n" + r.err);
        assertTrue(r.lines().size() <= 4, what + ": a few lines at most\n" + r.err);
    }

    @Test
    void debugBringsTheStackTraceBackBeforeOrAfterTheCommand() {
        for (String[] args : List.of(args("--debug", "train", "--data", dir.resolve("nowhere"), "--out", "x"),
                args("train", "--data", dir.resolve("nowhere"), "--out", "x", "--debug"))) {
            Result r = run(args);
            assertEquals(2, r.code, r.err);
            assertTrue(r.err.startsWith("error: " + dir.resolve("nowhere") + ": dataset folder missing\n"), r.err);
            assertTrue(r.err.contains("\tat com.oneshotct.model.data.CtDataset.open"), r.err);
        }
    }

    /** Exceptions that the quick commands above do not throw, handed to the handler as a command would. */
    @Test
    void theHandlerSortsExceptionsNotOnlyCommands() {
        Path f = dir.resolve("slices");
        List<Object[]> cases = List.of(
                new Object[] {new ConfigException("training configuration", List.of("field 'lr' must be above 0")),
                    2, "error: training configuration: field 'lr' must be above 0"},
                new Object[] {new ForeignCheckpointException(f, "checkpoint of another training configuration"),
                    2, "error: " + f + ": checkpoint of another training configuration"},
                new Object[] {new UncheckedIOException("cannot list " + f, new AccessDeniedException(f.toString())),
                    2, "error: cannot list " + f + " (" + f + ": permission denied)"},
                new Object[] {new ExecutionException(new ForeignCheckpointException(f, "other settings")),
                    2, "error: " + f + ": other settings"},
                new Object[] {new UncheckedIOException(new java.io.IOException("No space left on device")),
                    1, "error: No space left on device"},
                new Object[] {new IllegalStateException("the queue is closed"),
                    1, "error: IllegalStateException: the queue is closed"});
        for (Object[] c : cases) {
            CommandLine cli = Main.commandLine();
            StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err, true));
            CommandLine.ParseResult parsed = cli.parseArgs("engine");
            int code = ErrorExit.execution((Exception) c[0], cli, parsed);
            String text = err.toString();
            assertEquals(c[1], code, text);
            assertEquals(c[2], text.lines().findFirst().orElse(""), text);
            assertFalse(text.contains("\tat "), text);
            assertEquals((int) c[1] == 1 && c[0] instanceof IllegalStateException ? 2 : 1, text.lines().count(),
                    "an unexpected error adds where its stack trace is: " + text);
        }
    }
}
