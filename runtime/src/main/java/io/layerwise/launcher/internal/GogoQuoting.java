package io.layerwise.launcher.internal;

import java.util.List;
import java.util.regex.Pattern;

/** Turns shell arguments into one Gogo command line that hands each argument over unchanged. */
public final class GogoQuoting {

    /** Characters Gogo's tokenizer never treats specially inside a word. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:,+@%=-]+");

    private GogoQuoting() {
    }

    /** {@code layerwise:VERB arg1 arg2 ...}, each argument quoted where needed. */
    public static String command(String scope, String function, List<String> args) {
        StringBuilder line = new StringBuilder(scope).append(':').append(function);
        for (String arg : args) {
            line.append(' ').append(quote(arg));
        }
        return line.toString();
    }

    /**
     * Plain words stay as they are. Others go in single quotes, which Gogo takes literally. Gogo's
     * tokenizer cannot take a single quote inside any quotes, so a word holding one is written
     * unquoted with a backslash before every character that is not plain.
     */
    public static String quote(String arg) {
        if (PLAIN.matcher(arg).matches() && !arg.startsWith("=")) {
            return arg;
        }
        if (arg.indexOf('\'') < 0) {
            return "'" + arg + "'";
        }
        StringBuilder escaped = new StringBuilder();
        for (char c : arg.toCharArray()) {
            if (!PLAIN.matcher(String.valueOf(c)).matches()) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
