package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.launcher.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Following asynchronous jobs from a test: their ids, their end, their checkpoints. */
final class Jobs {
    private static final Pattern CHECKPOINT = Pattern.compile("epoch-(\\d+)(?:-\\d+)?");

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

    /**
     * Waits (up to two minutes) until the stage has checkpointed at least {@code epoch} epochs: a checkpoint named
     * {@code epoch-E} or {@code epoch-E-B} with E >= epoch. Not the folder {@code epoch-N} itself, which the engine
     * deletes again once two newer checkpoints exist: with checkpoints every few minibatches that is a few
     * milliseconds, shorter than a poll on a busy machine.
     */
    static void awaitCheckpoint(Path stageDir, int epoch) throws InterruptedException, IOException {
        Path root = stageDir.resolve("checkpoints");
        long deadline = System.currentTimeMillis() + 120_000;
        int newest = -1;
        while (newest < epoch && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
            newest = newestEpoch(root);
        }
        assertTrue(newest >= epoch, "a checkpoint after epoch " + epoch + " appears in " + root + "; newest: " + newest);
    }

    /** The highest finished epoch among the checkpoints in {@code root}, or -1 when there are none. */
    private static int newestEpoch(Path root) throws IOException {
        int newest = -1;
        try (var dirs = Files.list(root)) {
            for (Path d : dirs.toList()) {
                Matcher m = CHECKPOINT.matcher(d.getFileName().toString());
                if (m.matches()) {
                    newest = Math.max(newest, Integer.parseInt(m.group(1)));
                }
            }
        } catch (NoSuchFileException e) {
            return -1; // not written yet
        }
        return newest;
    }

    /** A saved stage's {@code params.bin} (little-endian float32) as its values. */
    static float[] parameters(Path paramsBin) throws IOException {
        FloatBuffer f = ByteBuffer.wrap(Files.readAllBytes(paramsBin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] values = new float[f.remaining()];
        f.get(values);
        return values;
    }
}
