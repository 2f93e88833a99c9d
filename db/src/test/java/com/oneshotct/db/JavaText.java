package com.oneshotct.db;

import java.util.ArrayList;
import java.util.List;

/**
 * Just enough Java lexing to read call arguments out of source text: comments blanked, string and char literals
 * kept whole, argument lists split on top-level commas and expressions on top-level {@code +}.
 */
final class JavaText {

    private JavaText() {
    }

    /** The source with every comment replaced by spaces (line breaks kept), literals untouched. */
    static String withoutComments(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '"' || c == '\'') {
                int end = literalEnd(src, i);
                out.append(src, i, end);
                i = end;
            } else if (src.startsWith("//", i)) {
                while (i < src.length() && src.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? src.length() : end + 2;
                for (; i < end; i++) {
                    out.append(src.charAt(i) == '\n' ? '\n' : ' ');
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Index just past the string, text block or char literal that starts at {@code start}. */
    static int literalEnd(String src, int start) {
        if (src.startsWith("\"\"\"", start)) {
            int end = src.indexOf("\"\"\"", start + 3);
            return end < 0 ? src.length() : end + 3;
        }
        char quote = src.charAt(start);
        int i = start + 1;
        while (i < src.length() && src.charAt(i) != quote) {
            i += src.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, src.length());
    }

    /** A look at one character outside literals, with the bracket depth before it; true stops the walk. */
    private interface Step {
        boolean at(int index, char c, int depth);
    }

    /**
     * Walks {@code src} from {@code from}, skipping literals and counting brackets, until {@code step} answers true;
     * returns that index, or the length of {@code src} if it never does.
     */
    private static int walk(String src, int from, Step step) {
        int depth = 0;
        int i = from;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '"' || c == '\'') {
                i = literalEnd(src, i);
                continue;
            }
            if (step.at(i, c, depth)) {
                return i;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
            i++;
        }
        return src.length();
    }

    private static boolean closes(char c) {
        return c == ')' || c == ']' || c == '}';
    }

    /**
     * The arguments of the call whose opening parenthesis is at {@code open}, trimmed; {@code end[0]} receives the
     * index just past the closing parenthesis.
     */
    static List<String> arguments(String src, int open, int[] end) {
        List<String> args = new ArrayList<>();
        int[] from = {open + 1};
        int close = walk(src, open, (i, c, depth) -> {
            if (c == ',' && depth == 1) {
                args.add(src.substring(from[0], i).trim());
                from[0] = i + 1;
            }
            return closes(c) && depth == 1;
        });
        if (close == src.length()) {
            throw new IllegalArgumentException("unbalanced call at offset " + open);
        }
        String last = src.substring(from[0], close).trim();
        if (!last.isEmpty() || !args.isEmpty()) {
            args.add(last);
        }
        end[0] = close + 1;
        return args;
    }

    /** The operands of a top-level {@code +} chain (one operand when there is no top-level {@code +}). */
    static List<String> operands(String expr) {
        List<String> out = new ArrayList<>();
        int[] from = {0};
        walk(expr, 0, (i, c, depth) -> {
            if (c == '+' && depth == 0) {
                out.add(expr.substring(from[0], i).trim());
                from[0] = i + 1;
            }
            return false;
        });
        out.add(expr.substring(from[0]).trim());
        return out;
    }

    /** Index just past the statement that contains {@code from}: the next {@code ;} outside brackets and literals. */
    static int statementEnd(String src, int from) {
        int semicolon = walk(src, from, (i, c, depth) -> c == ';' && depth <= 0);
        return semicolon == src.length() ? semicolon : semicolon + 1;
    }
}
