package io.layerwise.shell.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A flag that names a file or directory. Gogo hands a command its {@code absentValue} when a flag is not given; the
 * value here ({@link #ABSENT}) is one no one can type, so that {@code --out ""} is told apart from no {@code --out}
 * and refused instead of silently meaning the default.
 */
final class PathFlag {
    /** The {@code absentValue} of path flags: a NUL character, which no path can hold. */
    static final String ABSENT = "\u0000";

    private PathFlag() {
    }

    /**
     * The path the flag names, or null when it was not given.
     *
     * @throws IllegalArgumentException naming the flag when the value is empty, blank or no path
     */
    static Path parse(String flag, String value) {
        if (ABSENT.equals(value)) {
            return null;
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(flag + " must name a " + (flag.equals("--out") ? "directory" : "path")
                    + ", got \"" + value + "\"; leave " + flag + " out for the default");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(flag + " is not a path: \"" + value + "\" (" + e.getReason() + ")");
        }
    }
}
