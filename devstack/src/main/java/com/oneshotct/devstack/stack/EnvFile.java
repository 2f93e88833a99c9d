package com.oneshotct.devstack.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A shell file of {@code export NAME='value'} lines, readable by its owner only. */
public final class EnvFile {

    private static final Pattern LINE = Pattern.compile("export ([A-Z_][A-Z0-9_]*)='((?:[^']|'\\\\'')*)'");

    private EnvFile() {
    }

    /**
     * Writes {@code env} to {@code file}, replacing it atomically; the file is created with mode 600, so the keys
     * are never readable by others, not even for a moment.
     */
    public static void write(Path file, Map<String, String> env) {
        StringBuilder text = new StringBuilder("# written by `oneshot stack`; valid while it runs. Use: source ")
                .append(file).append('\n');
        env.forEach((k, v) -> text.append("export ").append(k).append('=').append(quote(v)).append('\n'));
        try {
            Path tmp = Files.createTempFile(file.getParent(), ".stack", ".env",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Reads what {@link #write} wrote (comments and blank lines skipped). */
    public static Map<String, String> read(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    throw new IllegalArgumentException(file + ": not an export line: " + line);
                }
                env.put(m.group(1), m.group(2).replace("'\\''", "'"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return env;
    }

    /** Single quotes keep every character literal in a POSIX shell; a quote inside is closed, escaped, reopened. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
