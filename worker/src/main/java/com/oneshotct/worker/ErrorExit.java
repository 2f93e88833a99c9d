package com.oneshotct.worker;

import com.oneshotct.activities.fetch.BadDatasetException;
import com.oneshotct.activities.store.StoreException;
import com.oneshotct.activities.train.CorruptCheckpointException;
import com.oneshotct.db.NotFoundException;
import com.oneshotct.db.RegistryException;
import com.oneshotct.model.data.DataException;
import com.oneshotct.worker.runtime.EngineReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How a command that fails ends: one {@code error: ...} line on stderr naming the problem, and exit code 2 for bad
 * usage or bad input (a file or folder that is missing, unreadable or of the wrong kind, an option value out of
 * range), 1 for everything else. The Java stack trace only with {@code --debug} or {@value #DEBUG_ENV}{@code =1}.
 */
public final class ErrorExit {
    /** Set to 1 (or true) for stack traces, as {@code --debug} does. */
    public static final String DEBUG_ENV = "ONESHOT_DEBUG";
    public static final String DEBUG_OPTION = "--debug";
    public static final int FAILURE = 1;
    public static final int BAD_INPUT = 2;

    private ErrorExit() {}

    /** The execution exception handler: an exception thrown by a command's business logic. */
    public static int execution(Exception ex, CommandLine cmd, ParseResult parsed) {
        Throwable t = unwrap(ex);
        PrintWriter err = cmd.getErr();
        boolean bad = badInput(t);
        boolean known = bad || environment(t);
        err.println("error: " + message(t, !known));
        if (debug(parsed)) {
            ex.printStackTrace(err);
        } else if (!known) {
            err.println("(an unexpected error: run again with " + DEBUG_OPTION + " or " + DEBUG_ENV
                    + "=1 for the stack trace)");
        }
        err.flush();
        return bad ? BAD_INPUT : FAILURE;
    }

    /** The parameter exception handler: a bad option or argument, said in one line with where to find help. */
    public static int parameter(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        if (debug(cmd.getParseResult()) || containsDebug(args)) {
            ex.printStackTrace(err);
        }
        err.println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return BAD_INPUT;
    }

    /** Bad input: the user's to fix, by another file, folder or option value. */
    static boolean badInput(Throwable t) {
        return t instanceof DataException
                || t instanceof IllegalArgumentException // ConfigException, bad option values, InvalidPathException
                || t instanceof BadDatasetException
                || t instanceof CorruptCheckpointException
                || t instanceof NotFoundException
                || t instanceof ParameterException
                || t instanceof FileSystemException
                || t instanceof UncheckedIOException u && u.getCause() instanceof FileSystemException;
    }

    /** Not a bug: an unreachable or refusing service, a missing libtorch, an I/O failure. */
    private static boolean environment(Throwable t) {
        return t instanceof StoreException || t instanceof RegistryException || t instanceof EngineReport.Unavailable
                || t instanceof IOException || t instanceof UncheckedIOException;
    }

    /** The exception a wrapper (a thread pool's, reflection's) carries. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException
                || t instanceof InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The one line after {@code error: }; {@code withType} names the exception class too. */
    static String message(Throwable t, boolean withType) {
        String m;
        if (t instanceof UncheckedIOException u) {
            String reason = describe(u.getCause());
            m = u.getMessage() == null || u.getMessage().equals(String.valueOf(u.getCause()))
                    || u.getMessage().contains(reason) ? reason : u.getMessage() + " (" + reason + ")";
        } else if (t instanceof IOException io) {
            m = describe(io);
        } else {
            m = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getName() : t.getMessage();
        }
        m = m.strip();
        return withType && !m.startsWith(t.getClass().getName()) ? t.getClass().getSimpleName() + ": " + m : m;
    }

    /** An I/O failure in words, naming the file: NIO's own messages are often the path alone. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": no such file or folder";
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof NotDirectoryException f) {
            return f.getFile() + ": not a folder";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + ": already exists";
        }
        if (e instanceof DirectoryNotEmptyException f) {
            return f.getFile() + ": folder not empty";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Whether {@code --debug} was given to the command or any command above it, or the environment asks. */
    static boolean debug(ParseResult parsed) {
        String env = System.getenv(DEBUG_ENV);
        if (env != null && (env.equals("1") || env.equalsIgnoreCase("true"))) {
            return true;
        }
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(DEBUG_OPTION)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsDebug(String[] args) {
        for (String a : args) {
            if (a.equals(DEBUG_OPTION)) {
                return true;
            }
        }
        return false;
    }
}
