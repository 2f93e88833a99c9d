package com.oneshotct.workflows.pipeline;

/**
 * What a run id (the pipeline's workflow id) may be. It becomes one segment of the run's object keys
 * ({@code runs/<id>/attempt-1/iter-50.ckpt}) and a row in the registry, so it is checked before anything is
 * written: otherwise a hostile id ({@code ..}, a '/', a control character) would only be refused at the first
 * checkpoint upload, after a training had been spent.
 */
public final class RunIds {
    /** Longest accepted id, in characters: keeps every object key under S3's 1024 bytes. */
    public static final int MAX_LENGTH = 200;

    private RunIds() {}

    /** Why {@code id} cannot name a run, or null when it can. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "is empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters (" + id.length() + ")";
        }
        if (id.equals(".") || id.equals("..")) {
            return "must not be '.' or '..'";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '/' || c == '\\') {
                return "must not contain '" + c + "'";
            }
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                return "must not contain control characters (found U+" + String.format("%04X", (int) c) + ")";
            }
        }
        return null;
    }

    /** The id with each control character written as a Java escape (backslash, u, four hex digits), for messages. */
    public static String printable(String id) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < id.length() && i < MAX_LENGTH; i++) {
            char c = id.charAt(i);
            b.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? String.format("\\u%04X", (int) c) : c);
        }
        return id.length() > MAX_LENGTH ? b + "..." : b.toString();
    }
}
