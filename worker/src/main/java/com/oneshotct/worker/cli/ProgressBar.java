package com.oneshotct.worker.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal ({@code \r} redraws), or, when the output is not a terminal (a log, CI), a
 * plain line every 10 % or 15 seconds, whichever comes first, and at the end.
 */
public final class ProgressBar {
    private static final int WIDTH = 24;
    private final PrintWriter out;
    private final boolean terminal;
    private final String label;
    private final long start = System.nanoTime();
    private long lastLine = System.nanoTime();
    private int lastDecile = -1;

    public ProgressBar(PrintWriter out, boolean terminal, String label) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
    }

    /** True when stderr looks like an interactive terminal. */
    public static boolean stderrIsTerminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    /** {@code done} of {@code total} units since {@code from} (units done before this process: not timed). */
    public void update(int done, int total, int from, String detail) {
        double seconds = (System.nanoTime() - start) / 1e9;
        double perUnit = done > from ? seconds / (done - from) : Double.NaN;
        double eta = Double.isNaN(perUnit) ? Double.NaN : perUnit * (total - done);
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d %3d%% | %s | %s/it | ETA %s", label,
                "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, total == 0 ? 100 : 100L * done / total,
                detail, Double.isNaN(perUnit) ? "-" : String.format(Locale.ROOT, "%.2fs", perUnit), duration(eta));
        if (terminal) {
            out.print("\r" + line + "  ");
            if (done == total) {
                out.println();
            }
            out.flush();
            return;
        }
        int decile = total == 0 ? 10 : (int) (10L * done / total);
        long now = System.nanoTime();
        if (decile != lastDecile || now - lastLine > 15_000_000_000L || done == total) {
            out.println(line);
            out.flush();
            lastDecile = decile;
            lastLine = now;
        }
    }

    /** 75 s -> "1m15s"; NaN -> "-". */
    public static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "-";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s / 60) % 60) + "m";
    }
}
