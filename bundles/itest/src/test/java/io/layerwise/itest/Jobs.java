package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.launcher.Platform;
import java.nio.file.Files;
import java.nio.file.Path;

/** Following asynchronous jobs from a test: their ids, their end, their checkpoints. */
final class Jobs {
    private Jobs() {
    }

    /** Starts {@code pipeline} with {@code layerwise:run --async --out out} and returns the job's id. */
    static String start(Platform platform, Path out, Path pipeline) {
        Shell.Result started = Shell.exec(platform, "layerwise:run --async --out " + out + " " + pipeline);
        assertEquals(0, started.exitCode(), started.all());
        return id(started);
    }

    /** The id in {@code layerwise:run --async}'s answer, {@code job N started: DIR}. */
    private static String id(Shell.Result started) {
        return started.out().replaceAll("(?s).*job (\\d+) started.*", "$1");
    }

    /**
     * Polls {@code layerwise:status} until the job is DONE, FAILED or CANCELLED and returns that status; fails the
     * test when it has not ended within {@code millis}.
     */
    static String awaitEnd(Platform platform, String id, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            String s = Shell.exec(platform, "layerwise:status " + id).out();
            if (s.contains(" DONE ") || s.contains(" FAILED ") || s.contains(" CANCELLED ")) {
                return s;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + " did not end within " + millis + " ms");
    }

    /** Waits (up to two minutes) for the checkpoint after {@code epoch} epochs in a stage's folder. */
    static void awaitCheckpoint(Path stageDir, int epoch) throws InterruptedException {
        Path cp = stageDir.resolve(String.format("checkpoints/epoch-%04d", epoch));
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.isDirectory(cp) && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Files.isDirectory(cp), cp + " appears");
    }
}
