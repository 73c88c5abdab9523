package io.layerwise.data.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@code <npm> pack <package>} in a directory and returns the tarball it leaves there. The npm command
 * is a parameter so that tests can name a fake or a missing one. Output goes to a file, not a pipe, so a
 * chatty npm can never block on a full pipe.
 */
final class NpmPack {
    private final List<String> npm;
    private final Duration timeout;

    NpmPack(List<String> npm, Duration timeout) {
        this.npm = List.copyOf(npm);
        this.timeout = timeout;
    }

    /** The command line it runs for {@code pkg}, for messages. */
    String commandLine(String pkg) {
        return String.join(" ", command(pkg));
    }

    Path pack(String pkg, Path workDir) throws IOException {
        Path log = workDir.resolve("npm-output.txt");
        ProcessBuilder pb = new ProcessBuilder(command(pkg)).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run `" + commandLine(pkg) + "`: " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("`" + commandLine(pkg) + "` did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running `" + commandLine(pkg) + "`", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("`" + commandLine(pkg) + "` exited with status " + p.exitValue() + ": " + tail(log));
        }
        try (Stream<Path> files = Files.list(workDir)) {
            List<Path> tgz = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).toList();
            if (tgz.size() != 1) {
                throw new IOException("`" + commandLine(pkg) + "` left " + tgz.size() + " .tgz files instead of one: "
                        + tail(log));
            }
            return tgz.get(0);
        }
    }

    private List<String> command(String pkg) {
        List<String> cmd = new ArrayList<>(npm);
        cmd.add("pack");
        cmd.add(pkg);
        return cmd;
    }

    private static File nullFile() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** The last lines of npm's output: enough to show the reason without flooding the message. */
    private static String tail(Path log) throws IOException {
        String text = Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8).strip() : "";
        if (text.isEmpty()) {
            return "(no output)";
        }
        String[] lines = text.split("\\R");
        int from = Math.max(0, lines.length - 5);
        return String.join(" | ", Arrays.copyOfRange(lines, from, lines.length));
    }
}
