package io.layerwise.itest;

import io.layerwise.launcher.Platform;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs Gogo commands in an embedded framework and captures what they print. */
final class Shell {
    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Shell() {
    }

    static Result exec(Platform platform, String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            rc = platform.exec(command, o, e);
        }
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
