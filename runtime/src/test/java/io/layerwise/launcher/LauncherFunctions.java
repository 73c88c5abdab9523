package io.layerwise.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one of runtime/layerwise's shell functions by itself: bash takes the function's text from the launcher (from
 * its {@code name() {} line to the closing brace at the start of a line) and then runs {@code script}, under the
 * launcher's {@code set -euo pipefail}, with {@code $0} the launcher and {@code $1...} the arguments.
 */
final class LauncherFunctions {
    static final Path LAUNCHER = Path.of("layerwise").toAbsolutePath();

    private LauncherFunctions() {
    }

    /** What {@code script} printed (stdout and stderr, stripped), after checking that it exited with 0. */
    static String run(String function, String script, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "set -euo pipefail; eval \"$(sed -n '/^"
                + function + "() {/,/^}/p' \"$0\")\"; " + script, LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
