package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.layerwise.itest.fragile.FragileStages;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Bundle;

/**
 * Every way out of a job, an {@link Error} included, ends it: its state is final (FAILED here), history.json says
 * {@code failed} with a one-line message naming the stage and what the job was doing, and the trace is in run.log only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobEndIT {
    static final String FRAGILE = """
            {"name": "fragile", "seed": 5, "data": {"source": "mnist"},
             "stages": [{"type": "fragile", "hidden": 16, "error": "ERROR", "in": "IN",
                         "train": {"epochs": 2, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}}]}
            """;

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();

    @BeforeAll
    void installFragileStages() throws Exception {
        byte[] jar = CoreBundles.withPrivateCore("io.layerwise.itest.fragile", "1.0.0", FragileStages.class,
                CoreBundles.core(), Map.of());
        Bundle fragile = felix.context().installBundle("test:fragile", new ByteArrayInputStream(jar));
        fragile.start();
    }

    @ParameterizedTest
    @ValueSource(strings = {"OutOfMemoryError", "NoClassDefFoundError", "AssertionError"})
    void anErrorWhileAStagesPicturesAreDrawnFailsTheJobNamingStageAndPhase(String error) throws Exception {
        String message = failedRun("pictures-" + error, error, "pictures");
        String expected = error.equals("OutOfMemoryError")
                ? "stage 1 (fragile) epoch 2: out of memory while drawing pictures: " // with the memory limits
                : "stage 1 (fragile) epoch 2 while drawing pictures: java.lang." + error;
        assertTrue(message.startsWith(expected), message);
    }

    @Test
    void anErrorInAMinibatchFailsTheJobNamingStageEpochAndPhase() throws Exception {
        String message = failedRun("training", "AssertionError", "training");
        assertTrue(message.startsWith("stage 1 (fragile) epoch 1 while training: java.lang.AssertionError: thrown on "
                + "purpose"), message);
    }

    /** Runs the fragile pipeline; checks that its job failed, and how; returns the message of its history.json. */
    private String failedRun(String name, String error, String in) throws Exception {
        Path file = PlatformIT.pipeline(felix.work(), name, FRAGILE.replace("ERROR", error).replace("IN", in));
        Path dir = felix.work().resolve("runs/" + name);
        String id = Jobs.start(felix.platform(), dir, file);
        String status = Jobs.awaitEnd(felix.platform(), id, 60_000);
        assertTrue(status.contains(" FAILED "), status);
        JsonObject history = PlatformIT.json(dir.resolve("history.json"));
        assertEquals("failed", history.get("status").getAsString(), history.toString());
        String message = history.get("message").getAsString();
        assertFalse(message.contains("\n") || message.contains("\tat "), "one line, no trace: " + message);
        assertTrue(status.contains(message), "status and history.json say the same: " + status);
        String log = Files.readString(dir.resolve("run.log"));
        assertTrue(log.contains("\tat io.layerwise.itest.fragile"), "the trace is in run.log: " + log);
        assertTrue(log.contains("failed: " + message), log);
        return message;
    }

    /**
     * With no usable font configuration every caption throws {@link InternalError}: the captioned reconstructions of
     * a ZCA stage fail the job (after its filters.png), and loss.png, drawn at the job's end because a picture
     * exists, throws again. The job still ends, FAILED, and the launcher exits with status 1 and the reason in one
     * line, instead of waiting for ever on a job left RUNNING.
     */
    @Test
    void aJobWhosePicturesThrowAgainAtItsEndStillEndsAndTheLauncherExits(@TempDir Path cwd) throws Exception {
        Path file = PlatformIT.pipeline(cwd, "zca", """
                {"name": "zca", "seed": 3, "data": {"source": "mnist"}, "stages": [{"type": "zca", "epsilon": 0.1}]}
                """);
        Path dir = cwd.resolve("no-fonts");
        Process p = Launcher.start(cwd, felix.work().resolve("data"), Map.of("LAYERWISE_JAVA_OPTS", "-Dsun.awt.fontconfig=/nonexistent"),
                "run", file.toString(), "--out", dir.toString());
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        String err = Files.readString(cwd.resolve("launch.err")).strip();
        assertTrue(exited, "the launcher did not exit within 120 s; history.json: "
                + Files.readString(dir.resolve("history.json")) + "\n" + err);
        assertEquals(1, p.exitValue(), err);
        assertFalse(err.contains("\n") || err.contains("\tat "), "one line: " + err);
        assertTrue(err.contains("stage 1 (zca) while drawing pictures: java.lang.InternalError"), err);
        JsonObject history = PlatformIT.json(dir.resolve("history.json"));
        assertEquals("failed", history.get("status").getAsString(), history.toString());
        String log = Files.readString(dir.resolve("run.log"));
        assertTrue(log.contains("while drawing the run's pictures"), "the second Error is logged too: " + log);
    }
}
