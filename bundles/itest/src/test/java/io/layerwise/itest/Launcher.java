package io.layerwise.itest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The distribution's launcher script, {@code runtime/layerwise}, run as a process of its own. */
final class Launcher {
    private Launcher() {
    }

    /**
     * Starts {@code runtime/layerwise ARGS} in {@code cwd} with {@code LAYERWISE_DATA=data} and the variables of
     * {@code env}, without rebuilding; standard output and error go to {@code cwd/launch.out} and {@code cwd/launch.err}.
     */
    static Process start(Path cwd, Path data, Map<String, String> env, String... args) throws Exception {
        Path script = PlatformIT.DIST.toAbsolutePath().normalize().getParent().getParent().resolve("layerwise");
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().put("LAYERWISE_NO_BUILD", "1");
        pb.environment().put("LAYERWISE_DATA", data.toString());
        pb.environment().remove("PWD");
        pb.environment().putAll(env);
        return pb.redirectOutput(cwd.resolve("launch.out").toFile()).redirectError(cwd.resolve("launch.err").toFile())
                .start();
    }
}
